import CLSTM
import Foundation

/// Direct multi-horizon quantile LSTM, global over one or more series (DeepAR-style per-series scaling).
///
/// Each series is log1p-transformed and normalised. The network reads a window of `lookback`
/// steps (value, deviation from the seasonal profile, calendar sin/cos, exogenous inputs) and
/// outputs, for each of the next `horizon` steps and each quantile, the correction to a seasonal
/// profile (the mean of the last `profileSeasons` seasons at the same phase). Trained with pinball
/// loss; quantiles are re-sorted so they never cross.
public struct LSTMForecaster: Sendable, LogScaleModel {
    public let settings: LSTMSettings
    public let season: Int
    public let lookback: Int
    public let horizon: Int
    /// Trained quantiles (always include 0.1, 0.5, 0.9).
    public let quantiles: [Double]
    let shape: LSTMShape
    /// Weights in CLSTM's checksummed format.
    public private(set) var weights: [UInt8]
    /// Per-series scalers, by series index.
    let scalers: [SeriesScaler]
    /// Last pinball loss on the validation windows (normalised units).
    public private(set) var validationLoss: Double
    public private(set) var stepsTrained: Int

    var name: String { "lstm" }

    /// Number of input features per step.
    static func inputSize(exogenous: Int) -> Int { 2 + CalendarFeatures.count + exogenous }

    // MARK: Feature building

    struct Prepared {
        var z: [Double]
        var features: [Float]  // [N][I]
        var inputSize: Int
    }

    static func profile(_ z: [Double], at i: Int, lagUnit m: Int, seasons: Int) -> Double? {
        var s = 0.0, c = 0
        var j = 1
        while j <= seasons, i - j * m >= 0 {
            s += z[i - j * m]
            c += 1
            j += 1
        }
        return c > 0 ? s / Double(c) : nil
    }

    static func prepare(_ s: SeriesContext, scaler: SeriesScaler, season m: Int, seasons: Int, upTo end: Int) -> Prepared {
        let z = s.logValues[..<end].map { scaler.normalizeLog($0) }
        let I = inputSize(exogenous: s.exogenous.count)
        var f = [Float](repeating: 0, count: end * I)
        let k = m > 1 ? seasons : 1
        for i in 0..<end {
            let o = i * I
            f[o] = Float(z[i])
            let p = profile(z, at: i, lagUnit: max(1, m), seasons: k) ?? z[i]
            f[o + 1] = Float(max(-5, min(5, z[i] - p)))
            CalendarFeatures.write(time: s.time(i), into: &f, at: o + 2)
            for (e, ex) in s.exogenous.enumerated() { f[o + 2 + CalendarFeatures.count + e] = i < ex.count ? Float(ex[i]) : 0 }
        }
        return Prepared(z: z, features: f, inputSize: I)
    }

    /// Base (normalised) of step k (1-based) after the window ending at t.
    static func base(_ z: [Double], t: Int, k: Int, season m: Int, seasons: Int) -> Double {
        guard m > 1 else { return z[t] }
        let lag = m * ((k + m - 1) / m)
        return profile(z, at: t + k, lagUnit: lag, seasons: seasons) ?? z[t]
    }

    static func chooseLookback(_ settings: LSTMSettings, season: Int) -> Int {
        if let l = settings.lookback { return max(2, l) }
        return max(24, min(96, season / 6))
    }

    // MARK: Training

    /// Trains on `series` using values before `trainEnd[i]` of each. Returns nil (with the reason)
    /// when there are too few windows.
    static func train(
        series: [SeriesContext], trainEnd: [Int], season: Int, horizon: Int, quantiles requested: [Double],
        settings: LSTMSettings
    ) throws -> (model: LSTMForecaster?, reason: String) {
        let lookback = chooseLookback(settings, season: season)
        var qs = Set(requested)
        for q in [0.1, 0.5, 0.9] { qs.insert(q) }
        let quantiles = qs.sorted()
        let exo = series.first?.exogenous.count ?? 0
        let shape = LSTMShape(
            layers: settings.layers, inputSize: inputSize(exogenous: exo), hiddenSize: settings.hiddenSize,
            outputSize: horizon * quantiles.count, sequenceLength: lookback, maxBatch: settings.batchSize)
        let scalers = zip(series, trainEnd).map { SeriesScaler(fitting: $0.logValues[..<$1].map { expm1($0) }[...]) }
        var model = LSTMForecaster(
            settings: settings, season: season, lookback: lookback, horizon: horizon, quantiles: quantiles, shape: shape,
            weights: [], scalers: scalers, validationLoss: .infinity, stepsTrained: 0)
        // Fail before training, not at the first forecast, where the CPU cannot run the precision
        // (int8 without AVX-512 VNNI). Training and its validation loss stay fp32 either way.
        guard settings.inferencePrecision.isAvailable else {
            throw LSTMError(CLSTM_ENODEV, "inference precision \(settings.inferencePrecision.rawValue)")
        }
        let net = try LSTMNetwork(shape: shape, seed: settings.seed, threads: settings.threads)
        let reason = try model.run(net, series: series, trainEnd: trainEnd, steps: settings.trainingSteps,
                                   learningRate: settings.learningRate, recentFrom: nil)
        guard let reason else {
            return (nil, "too few training windows for lookback \(lookback) + horizon \(horizon) (need \(settings.minimumWindows))")
        }
        return (model, reason)
    }

    /// Warm-started fine-tune on data up to `trainEnd` (windows after `recentFrom` favoured), bounded steps.
    func fineTuned(series: [SeriesContext], trainEnd: [Int], recentFrom: [Int]?, steps: Int) throws -> LSTMForecaster {
        var copy = self
        let net = try LSTMNetwork(shape: shape, seed: settings.seed, threads: settings.threads)
        try net.load(serialized: weights)
        _ = try copy.run(net, series: series, trainEnd: trainEnd, steps: steps,
                         learningRate: settings.learningRate * 0.3, recentFrom: recentFrom)
        return copy
    }

    /// Runs Adam steps; keeps the weights with the best validation loss. Returns nil when there
    /// are too few windows, otherwise a description of the run.
    private mutating func run(
        _ net: LSTMNetwork, series: [SeriesContext], trainEnd: [Int], steps: Int, learningRate: Float, recentFrom: [Int]?
    ) throws -> String? {
        let T = lookback, Hh = horizon, nq = quantiles.count, B = settings.batchSize
        let prepared = series.indices.map { i in
            Self.prepare(series[i], scaler: scalers[i], season: season, seasons: settings.profileSeasons, upTo: trainEnd[i])
        }
        // windows: (series, t) with t the last input index and t + horizon < trainEnd
        var train: [(Int, Int)] = [], valid: [(Int, Int)] = [], recent: [(Int, Int)] = []
        for (si, p) in prepared.enumerated() {
            let first = T - 1, last = p.z.count - 1 - Hh
            guard last >= first else { continue }
            let all = Array(first...last)
            let nValid = all.count >= 4 * settings.minimumWindows ? max(1, all.count / 8) : 0
            // validation windows: the latest ones (targets at the end of the training range)
            let cut = all.count - nValid
            for t in all[..<cut] { train.append((si, t)) }
            for t in all[cut...] { valid.append((si, t)) }
            if let recentFrom { for t in all where t + Hh >= recentFrom[si] { recent.append((si, t)) } }
        }
        guard train.count + valid.count >= settings.minimumWindows else { return nil }
        if train.isEmpty { train = valid; valid = [] }
        if recentFrom != nil { train += valid; valid = [] }  // fine-tune: use everything, no early stopping
        if valid.count > 256 { valid = stride(from: 0, to: valid.count, by: valid.count / 256 + 1).map { valid[$0] } }

        var rng = SplitMix(seed: settings.seed &+ UInt64(stepsTrained) &* 7919)
        var x = [Float](repeating: 0, count: T * B * shape.inputSize)
        var target = [Float](repeating: 0, count: B * Hh)
        var y = [Float](), dy = [Float]()
        let qf = quantiles.map(Float.init)
        let I = shape.inputSize

        func fill(_ windows: ArraySlice<(Int, Int)>) {
            let nb = windows.count
            for (b, (si, t)) in windows.enumerated() {
                let p = prepared[si]
                p.features.withUnsafeBufferPointer { f in
                    x.withUnsafeMutableBufferPointer { xp in
                        for tau in 0..<T {
                            let src = (t - T + 1 + tau) * I, dst = (tau * nb + b) * I
                            for k in 0..<I { xp[dst + k] = f[src + k] }
                        }
                    }
                }
                for k in 1...Hh {
                    target[b * Hh + k - 1] = Float(p.z[t + k] - Self.base(p.z, t: t, k: k, season: season, seasons: settings.profileSeasons))
                }
            }
        }
        func computeValidationLoss() throws -> Double {
            guard !valid.isEmpty else { return .nan }
            var total = 0.0
            var i = 0
            while i < valid.count {
                let chunk = valid[i..<min(valid.count, i + B)]
                fill(chunk)
                let out = try net.forward(Array(x[0..<(T * chunk.count * I)]), batch: chunk.count)
                total += Double(pinballLoss(outputs: out, targets: Array(target[0..<(chunk.count * Hh)]), batch: chunk.count, horizon: Hh, quantiles: qf, gradient: &dy)) * Double(chunk.count)
                i += B
            }
            return total / Double(valid.count)
        }

        let started = Date()
        var best = (loss: try computeValidationLoss(), weights: net.serialized(), step: 0)
        var firstLoss = Float.nan, lastLoss = Float.nan
        var batch = [(Int, Int)](repeating: (0, 0), count: B)
        var done = 0
        for step in 0..<steps {
            for b in 0..<B {
                if !recent.isEmpty, b % 2 == 0 { batch[b] = recent[Int(rng.next() % UInt64(recent.count))] } else {
                    batch[b] = train[Int(rng.next() % UInt64(train.count))]
                }
            }
            fill(batch[...])
            try net.forwardTrain(x, batch: B, into: &y)
            let l = pinballLoss(outputs: y, targets: target, batch: B, horizon: Hh, quantiles: qf, gradient: &dy)
            guard l.isFinite else { break }
            if step == 0 { firstLoss = l }
            lastLoss = l
            try net.backward(dy)
            net.clipGradients(maxNorm: settings.clipNorm)
            var adam = AdamSettings(learningRate: learningRate * (1 - 0.9 * Float(step) / Float(max(1, steps))), weightDecay: settings.weightDecay)
            adam.epsilon = 1e-7
            try net.adamStep(adam)
            done = step + 1
            // fine-tunes (warm starts) get a third of the wall-clock cap
            let cap = settings.maxTrainingSeconds.map { recentFrom == nil ? $0 : $0 / 3 }
            let timeUp = cap.map { Date().timeIntervalSince(started) > $0 } ?? false
            if !valid.isEmpty, (step + 1) % 50 == 0 || step + 1 == steps || timeUp {
                let v = try computeValidationLoss()
                if v < best.loss || best.loss.isNaN { best = (v, net.serialized(), step + 1) }
            }
            if timeUp { break }
        }
        stepsTrained += done
        if valid.isEmpty {
            weights = net.serialized()
            validationLoss = .nan
        } else {
            weights = best.weights
            validationLoss = best.loss
        }
        // Short series have no held-out windows: then there is no early stopping to report.
        let validation = valid.isEmpty
            ? "no validation windows, last weights kept"
            : String(format: "best validation %.4f at step %d", validationLoss, best.step)
        return String(format: "%d Adam steps on %d windows in %.1f s (loss %.4f -> %.4f, %@)",
                      done, train.count, Date().timeIntervalSince(started), firstLoss, lastLoss, validation)
    }

    // MARK: Forecasting

    func forecast(_ s: SeriesContext, origin: Int, horizon h: Int, quantiles requested: [Double]) -> [[Double]] {
        (try? forecastOrThrow(s, seriesIndex: nil, origin: origin, horizon: h, quantiles: requested))
            ?? SeasonalNaiveModel(season: season).forecast(s, origin: origin, horizon: h, quantiles: requested)
    }

    func forecastOrThrow(_ s: SeriesContext, seriesIndex: Int?, origin: Int, horizon h: Int, quantiles requested: [Double]) throws -> [[Double]] {
        precondition(h <= horizon, "horizon beyond the trained one")
        let scaler = seriesIndex.map { scalers[$0] } ?? scalerCache(s)
        let p = Self.prepare(s, scaler: scaler, season: season, seasons: settings.profileSeasons, upTo: origin)
        let T = lookback, I = p.inputSize
        guard origin >= T else { throw LSTMError(-22, "history of \(origin) steps shorter than lookback \(T)") }
        var oneShape = shape
        oneShape.maxBatch = 1
        let net = try LSTMNetwork(shape: oneShape, seed: 0, threads: settings.threads)
        try net.load(serialized: weights)
        if settings.inferencePrecision != .fp32 { try net.setInferencePrecision(settings.inferencePrecision) }
        let x = Array(p.features[((origin - T) * I)..<(origin * I)])
        let y = try net.forward(x, batch: 1)
        let nq = quantiles.count
        let columns = requested.map { q in quantiles.firstIndex { abs($0 - q) < 1e-9 } ?? quantiles.enumerated().min { abs($0.1 - q) < abs($1.1 - q) }!.0 }
        let t = origin - 1
        let rows: [[Double]] = (1...h).map { k in
            let b = Self.base(p.z, t: t, k: k, season: season, seasons: settings.profileSeasons)
            let all = (0..<nq).map { q in scaler.denormalizeToLog(b + Double(y[(k - 1) * nq + q])) }.sorted()
            return columns.map { all[$0] }
        }
        return rows
    }

    private func scalerCache(_ s: SeriesContext) -> SeriesScaler {
        if let i = scalers.indices.first, scalers.count == 1 { return scalers[i] }
        return SeriesScaler(fitting: s.logValues.map { expm1($0) }[...])
    }
}

/// splitmix64 for deterministic window sampling.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
