import Foundation

/// Forecasts one or more count series: baselines plus a global quantile LSTM, chosen on a
/// rolling-origin backtest, with online adaptation.
///
/// ```swift
/// var f = try Forecaster(series: [total] + routes, configuration: config)
/// try f.fit()
/// let result = try f.forecast()          // series 0, configuration.horizon steps
/// let event = try f.observe(actual: 123) // as live values arrive
/// ```
public struct Forecaster: Sendable {
    public let configuration: ForecastConfiguration
    public private(set) var series: [TimeSeries]
    /// Per series (same order as `series`), after `fit()`.
    public private(set) var selections: [ModelSelection] = []
    /// Notes from fitting (LSTM training runs etc.).
    public private(set) var log: [String] = []

    var contexts: [SeriesContext]
    var season = 1
    var seasonReason = ""
    var lstm: LSTMForecaster?
    var plans: [BacktestPlan?] = []
    var live: [LiveTracker] = []

    /// Creates a forecaster. All series (and exogenous series) must share one step.
    public init(series: [TimeSeries], exogenous: [TimeSeries] = [], configuration: ForecastConfiguration = ForecastConfiguration()) throws {
        guard let first = series.first else { throw ForecastError.noSeries }
        guard configuration.horizon >= 1, configuration.horizon <= 20_000 else {
            throw ForecastError.invalidConfiguration("horizon \(configuration.horizon) outside 1...20000")
        }
        guard !configuration.quantiles.isEmpty, configuration.quantiles.allSatisfy({ $0 > 0 && $0 < 1 }) else {
            throw ForecastError.invalidConfiguration("quantiles must lie strictly between 0 and 1")
        }
        if case let .fixed(m) = configuration.season, m < 1 {
            throw ForecastError.invalidConfiguration("season \(m) must be >= 1")
        }
        guard (1...3).contains(configuration.lstm.layers), configuration.lstm.hiddenSize >= 1, configuration.lstm.batchSize >= 1 else {
            throw ForecastError.invalidConfiguration("LSTM layers must be 1...3, hidden size and batch >= 1")
        }
        for s in series + exogenous where abs(s.step - first.step) > 1e-9 {
            throw ForecastError.mismatchedStep(name: s.name, step: s.step, expected: first.step)
        }
        for s in series where s.count < 8 { throw ForecastError.seriesTooShort(name: s.name, count: s.count) }
        self.configuration = configuration
        self.series = series
        let exo = exogenous.map { e -> (TimeSeries, Double, Double) in
            let m = e.values.reduce(0, +) / Double(max(1, e.count))
            let v = e.values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(1, e.count))
            return (e, m, v > 1e-12 ? v.squareRoot() : 1)
        }
        contexts = series.map { s in
            let aligned: [[Double]] = exo.map { e, m, sd in
                (0..<s.count).map { i in
                    let j = Int(((s.time(at: i) - e.start) / e.step).rounded())
                    return j >= 0 && j < e.count ? (e.values[j] - m) / sd : 0
                }
            }
            return SeriesContext(series: s, exogenous: aligned)
        }
    }

    // MARK: Fitting

    /// Detects the season, runs the backtest of every model, trains the LSTM, and selects a model per series.
    @discardableResult
    public mutating func fit() throws -> [ModelSelection] {
        let cfg = configuration
        let primary = contexts[0]
        switch cfg.season {
        case let .fixed(m):
            season = max(1, min(m, primary.logValues.count / 2))
            seasonReason = "given (\(m) steps)"
        case .auto:
            (season, seasonReason) = SeasonDetector.detect(logValues: primary.logValues[...], step: primary.step)
        }
        let qs = cfg.computedQuantiles
        plans = series.map { BacktestPlan.make(values: $0.values, horizon: cfg.horizon, season: season, origins: cfg.backtestOrigins) }

        // LSTM for the backtest: trained on each series up to its first origin
        var lstmNote = "disabled"
        var backtestLSTM: LSTMForecaster?
        if cfg.useLSTM {
            let ends = zip(contexts, plans).map { $1?.origins.first ?? $0.logValues.count }
            let (model, note) = try LSTMForecaster.train(
                series: contexts, trainEnd: ends, season: season, horizon: cfg.horizon, quantiles: qs, settings: cfg.lstm)
            backtestLSTM = model
            lstmNote = model == nil ? "not trained: \(note)" : "backtest model: \(note)"
            log.append("lstm " + lstmNote)
        }

        var baselines: [any LogScaleModel] = [NaiveModel(), SeasonalNaiveModel(season: season)]
        if season > 1 { baselines.append(HoltWintersModel(season: season)) }
        selections = []
        var lstmChosenAnywhere = false
        for (si, ctx) in contexts.enumerated() {
            guard let plan = plans[si] else {
                selections.append(ModelSelection(
                    model: "seasonal_naive", reason: "series too short for a backtest", backtest: [:], ensembleWeights: [:],
                    season: season, seasonReason: seasonReason, lstmNote: lstmNote))
                continue
            }
            var forecasts: [(name: String, f: [[[Double]]])] = []
            for model in baselines {
                forecasts.append((model.name, plan.origins.map { toUnits(model.forecast(ctx, origin: $0, horizon: plan.horizon, quantiles: qs)) }))
            }
            if let m = backtestLSTM, plan.origins.allSatisfy({ $0 >= m.lookback }) {
                let f = try plan.origins.map { toUnits(try m.forecastOrThrow(ctx, seriesIndex: si, origin: $0, horizon: plan.horizon, quantiles: qs)) }
                forecasts.append(("lstm", f))
            }
            var metrics = forecasts.map { (name: $0.name, m: plan.score($0.f, actual: series[si].values, quantiles: qs)) }
            var weights: [String: Double] = [:]
            if cfg.allowEnsemble, metrics.count >= 3 {
                let ranked = metrics.sorted { $0.m.mase < $1.m.mase }.prefix(3)
                let inv = ranked.map { 1 / max($0.m.mase, 1e-6) }
                let total = inv.reduce(0, +)
                for (r, w) in zip(ranked, inv) { weights[r.name] = w / total }
                let combined = combine(forecasts, weights: weights)
                metrics.append((name: "ensemble", m: plan.score(combined, actual: series[si].values, quantiles: qs)))
            }
            let (name, reason) = Selector.choose(metrics)
            if name == "lstm" || (name == "ensemble" && weights["lstm"] != nil) { lstmChosenAnywhere = true }
            selections.append(ModelSelection(
                model: name, reason: reason, backtest: Dictionary(uniqueKeysWithValues: metrics.map { ($0.name, $0.m) }),
                ensembleWeights: name == "ensemble" ? weights : [:], season: season, seasonReason: seasonReason, lstmNote: lstmNote))
        }

        // final LSTM: warm-started fine-tune on all data, bounded steps
        if let m = backtestLSTM, lstmChosenAnywhere {
            let ends = contexts.map { $0.logValues.count }
            let recent = zip(contexts, plans).map { $1?.origins.first ?? $0.logValues.count }
            lstm = try m.fineTuned(series: contexts, trainEnd: ends, recentFrom: recent, steps: cfg.lstm.fineTuneSteps)
            log.append("lstm final: fine-tuned \(cfg.lstm.fineTuneSteps) Adam steps on all data")
        } else {
            lstm = nil
        }
        live = selections.map { LiveTracker(backtestMASE: $0.backtest[$0.model]?.mase, scale: nil) }
        for si in series.indices { live[si].scale = plans[si]?.scale ?? 1 }
        return selections
    }

    func toUnits(_ rows: [[Double]]) -> [[Double]] { rows.map { $0.map { max(0, expm1($0)) } } }

    func combine(_ forecasts: [(name: String, f: [[[Double]]])], weights: [String: Double]) -> [[[Double]]] {
        let parts = forecasts.filter { weights[$0.name] != nil }
        var out = parts[0].f.map { $0.map { $0.map { _ in 0.0 } } }
        for p in parts {
            let w = weights[p.name]!
            for r in out.indices { for k in out[r].indices { for q in out[r][k].indices { out[r][k][q] += w * p.f[r][k][q] } } }
        }
        return out
    }

    // MARK: Forecasting

    /// Forecasts the next `horizon` steps (default: the configured horizon) of series `index`.
    public func forecast(horizon: Int? = nil, series index: Int = 0) throws -> ForecastResult {
        guard index < selections.count else { throw ForecastError.notFitted }
        let h = horizon ?? configuration.horizon
        guard h >= 1 else { throw ForecastError.invalidConfiguration("horizon \(h) must be >= 1") }
        let sel = selections[index]
        let ctx = contexts[index]
        let n = ctx.logValues.count
        let qs = configuration.computedQuantiles
        func run(_ name: String) throws -> [[Double]] {
            switch name {
            case "naive": return toUnits(NaiveModel().forecast(ctx, origin: n, horizon: h, quantiles: qs))
            case "holt_winters": return toUnits(HoltWintersModel(season: season).forecast(ctx, origin: n, horizon: h, quantiles: qs))
            case "lstm":
                guard let lstm else { throw ForecastError.notFitted }
                guard h <= lstm.horizon else {
                    throw ForecastError.invalidConfiguration("the LSTM was trained for \(lstm.horizon) steps; \(h) asked")
                }
                return toUnits(try lstm.forecastOrThrow(ctx, seriesIndex: index, origin: n, horizon: h, quantiles: qs))
            default: return toUnits(SeasonalNaiveModel(season: season).forecast(ctx, origin: n, horizon: h, quantiles: qs))
            }
        }
        var rows: [[Double]]
        if sel.model == "ensemble" {
            let parts = try sel.ensembleWeights.keys.sorted().map { (name: $0, f: [try run($0)]) }
            rows = combine(parts, weights: sel.ensembleWeights)[0]
        } else {
            rows = try run(sel.model)
        }
        rows = Quantiles.nonCrossing(rows)
        let columns = configuration.quantiles.map { q in qs.firstIndex { abs($0 - q) < 1e-12 }! }
        let sortedRequested = configuration.quantiles.sorted()
        let requestedColumns = sortedRequested.map { q in columns[configuration.quantiles.firstIndex(of: q)!] }
        return ForecastResult(
            model: sel.model, reason: sel.reason, series: series[index].name, stepSeconds: series[index].step,
            start: TimestampParser.iso8601(series[index].time(at: n)), quantiles: sortedRequested,
            values: rows.map { row in requestedColumns.map { row[$0] } }, backtest: sel.backtest,
            ensembleWeights: sel.ensembleWeights, season: season)
    }

    // MARK: Online adaptation

    /// Appends the next actual value of series `index`, tracks the live error of the current
    /// forecast, and adapts when it drifts beyond `driftThreshold` x the backtest MASE:
    /// fine-tunes the LSTM (bounded Adam steps, warm-started) when it is in use, else re-selects.
    public mutating func observe(actual: Double, series index: Int = 0) throws -> AdaptationEvent {
        guard index < selections.count else { throw ForecastError.notFitted }
        if live[index].pending.isEmpty {
            live[index].pending = try forecast(series: index).values.map { $0[$0.count / 2] }
        }
        let predicted = live[index].pending.removeFirst()
        let v = actual.isFinite ? max(0, actual) : (series[index].values.last ?? 0)
        series[index].values.append(v)
        contexts[index].logValues.append(log1p(v))
        for e in contexts[index].exogenous.indices { contexts[index].exogenous[e].append(contexts[index].exogenous[e].last ?? 0) }
        let window = configuration.driftWindow ?? max(6, min(configuration.horizon, 48))
        live[index].record(abs(v - predicted) / max(live[index].scale, 1e-9), window: window)
        guard live[index].errors.count >= window, let base = live[index].backtestMASE else {
            return .none(liveError: live[index].mean)
        }
        let liveError = live[index].mean ?? 0
        let threshold = configuration.driftThreshold * max(base, 1e-6)
        guard liveError > threshold else { return .none(liveError: liveError) }
        let sel = selections[index]
        let usesLSTM = sel.model == "lstm" || sel.ensembleWeights["lstm"] != nil
        live[index].errors.removeAll()
        live[index].pending.removeAll()
        if usesLSTM, let current = lstm, contexts[index].logValues.count >= current.lookback + current.horizon + 1 {
            let ends = contexts.map { $0.logValues.count }
            let recent = ends.map { $0 - window - current.horizon }
            lstm = try current.fineTuned(series: contexts, trainEnd: ends, recentFrom: recent, steps: configuration.lstm.fineTuneSteps)
            return .fineTuned(steps: configuration.lstm.fineTuneSteps, liveError: liveError, threshold: threshold)
        }
        try reselect(index)
        return .reselected(model: selections[index].model, liveError: liveError, threshold: threshold)
    }

    /// Re-runs the baseline backtest on the extended history (the LSTM keeps its weights).
    mutating func reselect(_ index: Int) throws {
        let cfg = configuration, qs = cfg.computedQuantiles, ctx = contexts[index]
        guard let plan = BacktestPlan.make(values: series[index].values, horizon: cfg.horizon, season: season, origins: cfg.backtestOrigins) else { return }
        var models: [any LogScaleModel] = [NaiveModel(), SeasonalNaiveModel(season: season)]
        if season > 1 { models.append(HoltWintersModel(season: season)) }
        if let lstm, plan.origins.allSatisfy({ $0 >= lstm.lookback }) { models.append(lstm) }
        let metrics = models.map { m in
            (name: m.name, m: plan.score(plan.origins.map { toUnits(m.forecast(ctx, origin: $0, horizon: plan.horizon, quantiles: qs)) },
                                          actual: series[index].values, quantiles: qs))
        }
        let (name, reason) = Selector.choose(metrics)
        selections[index].model = name
        selections[index].reason = "re-selected after drift: " + reason
        selections[index].backtest = Dictionary(uniqueKeysWithValues: metrics.map { ($0.name, $0.m) })
        selections[index].ensembleWeights = [:]
        plans[index] = plan
        live[index].backtestMASE = metrics.first { $0.name == name }?.m.mase
        live[index].scale = plan.scale
    }
}

/// Live error of the current forecast for one series.
struct LiveTracker: Sendable {
    var backtestMASE: Double?
    var scale: Double = 1
    var pending: [Double] = []
    var errors: [Double] = []

    init(backtestMASE: Double?, scale: Double?) {
        self.backtestMASE = backtestMASE
        self.scale = scale ?? 1
    }

    mutating func record(_ e: Double, window: Int) {
        errors.append(e)
        if errors.count > window { errors.removeFirst(errors.count - window) }
    }

    var mean: Double? { errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count) }
}
