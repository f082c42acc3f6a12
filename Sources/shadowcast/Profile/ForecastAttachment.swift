import Profiler

/// Why `--forecast` cannot run yet.
struct ForecastNotWiredError: Error, CustomStringConvertible {
    var description: String {
        "forecasting is wired in by the forecast stage: this build cannot attach a forecast yet (run without --forecast, then use 'shadowcast forecast')"
    }
}

/// Fills `profile.forecast` for `horizonSeconds` ahead of the history, from the `Forecast` module.
///
/// THE one place the forecast stage plugs in: the lead replaces this body with a call into
/// `Forecast` (model selection + backtest over `profile.history`) that sets
/// `profile.forecast = ForecastSection(...)`. Until then it throws ``ForecastNotWiredError``.
func attachForecast(to profile: inout RequestProfile, horizon horizonSeconds: Double) throws {
    _ = profile
    _ = horizonSeconds
    throw ForecastNotWiredError()
}
