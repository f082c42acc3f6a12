/// Settings of the LSTM forecaster (network size and the bounded training budget).
public struct LSTMSettings: Sendable, Equatable, Codable {
    /// Stacked LSTM layers (1...3).
    public var layers = 1
    /// Hidden units per layer.
    public var hiddenSize = 64
    /// Input window in steps; nil chooses from the season (season/6, clamped to 24...96).
    public var lookback: Int? = nil
    /// Sequences per Adam step.
    public var batchSize = 64
    /// Adam steps of the initial training (the budget; early stopping keeps the best validation weights).
    public var trainingSteps = 400
    /// Adam steps of a warm-started fine-tune (final fit and online adaptation).
    public var fineTuneSteps = 100
    /// Adam learning rate (decays linearly to 10% over a run).
    public var learningRate: Float = 3e-3
    /// Global gradient-norm clip.
    public var clipNorm: Float = 1
    /// Decoupled weight decay.
    public var weightDecay: Float = 1e-4
    /// OpenBLAS threads.
    public var threads = 1
    /// Arithmetic of the network's forecasts (and backtest forecasts); training and its validation
    /// loss are always fp32. `.int16` is opt-in: forecasts differ from fp32 by the quantisation
    /// error (CLSTMInt16Tests: forecaster outputs within 1e-3 of fp32 in normalised units). `.int8`
    /// is faster and coarser (CLSTMInt8Tests); where the CPU lacks AVX-512 VNNI, training with it
    /// throws before it starts (`CLSTM_ENODEV`).
    public var inferencePrecision: LSTMInferencePrecision = .fp32
    /// Seed of the weight initialisation and of window sampling.
    public var seed: UInt64 = 1
    /// Fewer training windows than this: the LSTM is not trained (too little data).
    public var minimumWindows = 48
    /// Seasons averaged into the seasonal profile the network corrects.
    public var profileSeasons = 3
    /// Wall-clock cap on one training run in seconds (nil: none; fine-tunes get a third). Reached only
    /// on slow or busy machines (or debug builds); the best validation weights so far are kept.
    public var maxTrainingSeconds: Double? = 30

    public init() {}
}
