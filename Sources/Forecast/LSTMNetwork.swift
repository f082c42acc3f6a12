import CLSTM

/// An error reported by the C LSTM core, with its errno-style code and message.
public struct LSTMError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The negative errno-style code returned by CLSTM.
    public let code: Int32
    /// What was being done when the error happened.
    public let context: String

    init(_ code: Int32, _ context: String) {
        self.code = code
        self.context = context
    }

    public var description: String {
        "\(context): \(String(cString: clstm_strerror(code))) (code \(code))"
    }
}

/// Shape and run-time settings of an `LSTMNetwork`.
public struct LSTMShape: Sendable, Equatable, Codable {
    /// Stacked LSTM layers (1...3).
    public var layers: Int
    /// Features per time step.
    public var inputSize: Int
    /// Hidden units per layer.
    public var hiddenSize: Int
    /// Outputs of the dense head.
    public var outputSize: Int
    /// Sequence length of every call.
    public var sequenceLength: Int
    /// Largest batch passed to one call.
    public var maxBatch: Int

    public init(layers: Int, inputSize: Int, hiddenSize: Int, outputSize: Int, sequenceLength: Int, maxBatch: Int) {
        self.layers = layers
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.outputSize = outputSize
        self.sequenceLength = sequenceLength
        self.maxBatch = maxBatch
    }
}

/// Arithmetic of the inference forward (`LSTMNetwork.forward`). Training is always fp32.
public enum LSTMInferencePrecision: String, Sendable, Equatable, Codable, CaseIterable {
    /// Full fp32 (the default; bit-for-bit the training forward's outputs).
    case fp32
    /// The recurrent product `Wh h` of every layer in int16 x int16 -> int32: `Wh` quantised per
    /// gate row, `h` to int16 at every step; input projection, gates, cell state and head stay fp32.
    /// Derived from the fp32 weights (re-quantised after every weight change); outputs differ from
    /// fp32 by the quantisation error (CLSTMInt16Tests bounds it).
    case int16
    /// The recurrent product in 8 bits: `Wh` quantised per gate row to int8, `h` to unsigned 8 bits
    /// (zero point 128), four multiply-adds per 32-bit lane (AVX-512 VNNI `vpdpbusd`). About 1.3×
    /// the int16 path's speed with outputs about 100× further from fp32 (≈ 1e-3 on the tests'
    /// networks; CLSTMInt8Tests bounds it). Only where the active ISA is AVX512 on a CPU with VNNI:
    /// elsewhere `setInferencePrecision(.int8)` throws (`CLSTM_ENODEV`).
    case int8

    var clstm: clstm_precision {
        switch self {
        case .fp32: return CLSTM_PRECISION_FP32
        case .int16: return CLSTM_PRECISION_INT16
        case .int8: return CLSTM_PRECISION_INT8
        }
    }

    /// Whether this CPU runs the precision with the default (AUTO) kernels: `.int8` needs the
    /// AVX512 ISA on a CPU with AVX-512 VNNI; the others run everywhere.
    public var isAvailable: Bool {
        guard self == .int8 else { return true }
        let shape = LSTMShape(layers: 1, inputSize: 1, hiddenSize: 4, outputSize: 1, sequenceLength: 1, maxBatch: 1)
        guard let net = try? LSTMNetwork(shape: shape, seed: 1) else { return false }
        return (try? net.setInferencePrecision(.int8)) != nil
    }

    init(_ precision: clstm_precision) {
        switch precision {
        case CLSTM_PRECISION_INT16: self = .int16
        case CLSTM_PRECISION_INT8: self = .int8
        default: self = .fp32
        }
    }
}

/// Adam settings (bias-corrected, decoupled weight decay).
public struct AdamSettings: Sendable, Equatable, Codable {
    public var learningRate: Float = 3e-3
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float = 0
    public init(learningRate: Float = 3e-3, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }
}

/// A batched stacked LSTM with a dense head (Swift owner of a `clstm_ctx`).
///
/// Not thread-safe: one network is used by one task at a time. Inputs are time-major
/// (`x[t][b][i]`), outputs `y[b][o]`.
public final class LSTMNetwork {
    /// The shape this network was created with.
    public let shape: LSTMShape
    let ctx: OpaquePointer

    /// Creates a network with weights initialised from `seed`.
    public init(shape: LSTMShape, seed: UInt64, threads: Int = 1, isa: clstm_isa = CLSTM_ISA_AUTO) throws {
        var config = clstm_config(
            layers: Int32(shape.layers), input_size: Int32(shape.inputSize),
            hidden_size: Int32(shape.hiddenSize), output_size: Int32(shape.outputSize),
            seq_len: Int32(shape.sequenceLength), max_batch: Int32(shape.maxBatch), seed: seed,
            threads: Int32(max(1, threads)), isa: isa)
        var out: OpaquePointer?
        let rc = clstm_create(&config, &out)
        guard rc == 0, let out else { throw LSTMError(rc, "creating LSTM \(shape)") }
        self.shape = shape
        self.ctx = out
    }

    deinit { clstm_destroy(ctx) }

    /// The gate kernel chosen at run time.
    public var activeISA: clstm_isa { clstm_active_isa(ctx) }

    /// Sets the OpenBLAS thread count used by this network.
    public func setThreads(_ n: Int) { _ = clstm_set_threads(ctx, Int32(max(1, n))) }

    /// The arithmetic of `forward` (fp32 unless set).
    public var inferencePrecision: LSTMInferencePrecision {
        LSTMInferencePrecision(clstm_inference_precision(ctx))
    }

    /// Chooses the arithmetic of `forward`; `.int16` and `.int8` quantise the weights once here and
    /// again after any weight change (training step, `parameters`, `load`). Training is unaffected.
    /// `.int8` throws where the CPU or the chosen ISA lacks AVX-512 VNNI; the precision is then unchanged.
    public func setInferencePrecision(_ precision: LSTMInferencePrecision) throws {
        let rc = clstm_set_inference_precision(ctx, precision.clstm)
        guard rc == 0 else { throw LSTMError(rc, "setting inference precision \(precision)") }
    }

    /// Number of parameters.
    public var parameterCount: Int { clstm_param_count(ctx) }

    /// The parameter tensors (name, offset into `parameters`, rows, columns).
    public var tensors: [(name: String, offset: Int, rows: Int, cols: Int)] {
        (0..<clstm_tensor_count(ctx)).map { i in
            var t = clstm_tensor()
            _ = clstm_tensor_info(ctx, i, &t)
            return (String(cString: t.name), t.offset, Int(t.rows), Int(t.cols))
        }
    }

    /// A copy of all parameters.
    public var parameters: [Float] {
        get { Array(UnsafeBufferPointer(start: clstm_params(ctx), count: parameterCount)) }
        set {
            precondition(newValue.count == parameterCount, "parameter count mismatch")
            newValue.withUnsafeBufferPointer { src in
                clstm_params(ctx).update(from: src.baseAddress!, count: parameterCount)
            }
        }
    }

    /// A copy of the gradients of the last `backward`.
    public var gradients: [Float] { Array(UnsafeBufferPointer(start: clstm_grads(ctx), count: parameterCount)) }

    /// Inference over `batch` sequences.
    public func forward(_ x: [Float], batch: Int) throws -> [Float] {
        try checkInput(x, batch)
        var y = [Float](repeating: 0, count: batch * shape.outputSize)
        let rc = x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in clstm_forward(ctx, xp.baseAddress, Int32(batch), yp.baseAddress) }
        }
        guard rc == 0 else { throw LSTMError(rc, "forward") }
        return y
    }

    /// Training forward: keeps the activations for `backward`.
    public func forwardTrain(_ x: [Float], batch: Int, into y: inout [Float]) throws {
        try checkInput(x, batch)
        if y.count != batch * shape.outputSize { y = [Float](repeating: 0, count: batch * shape.outputSize) }
        let rc = x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in clstm_forward_train(ctx, xp.baseAddress, Int32(batch), yp.baseAddress) }
        }
        guard rc == 0 else { throw LSTMError(rc, "training forward") }
    }

    /// Backward of the last training forward given dLoss/dy; overwrites the gradients.
    public func backward(_ dy: [Float]) throws {
        let rc = dy.withUnsafeBufferPointer { clstm_backward(ctx, $0.baseAddress) }
        guard rc == 0 else { throw LSTMError(rc, "backward") }
    }

    /// Clips the global gradient norm; returns the norm before clipping.
    @discardableResult
    public func clipGradients(maxNorm: Float) -> Float { clstm_clip_gradients(ctx, maxNorm) }

    /// One Adam step.
    public func adamStep(_ s: AdamSettings) throws {
        var a = clstm_adam(learning_rate: s.learningRate, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, weight_decay: s.weightDecay)
        let rc = clstm_adam_step(ctx, &a)
        guard rc == 0 else { throw LSTMError(rc, "Adam step") }
    }

    /// Clears the Adam moments.
    public func resetOptimizer() { clstm_reset_optimizer(ctx) }

    /// The weights in CLSTM's versioned, checksummed binary format.
    public func serialized() -> [UInt8] {
        let n = clstm_serialized_size(ctx)
        var buf = [UInt8](repeating: 0, count: n)
        _ = buf.withUnsafeMutableBytes { clstm_serialize(ctx, $0.baseAddress, n) }
        return buf
    }

    /// Loads weights produced by `serialized()`.
    public func load(serialized bytes: [UInt8]) throws {
        let rc = bytes.withUnsafeBytes { clstm_deserialize(ctx, $0.baseAddress, bytes.count) }
        guard rc == 0 else { throw LSTMError(rc, "loading weights") }
    }

    /// Saves the weights to a file.
    public func save(path: String) throws {
        let rc = clstm_save(ctx, path)
        guard rc == 0 else { throw LSTMError(rc, "saving weights to \(path)") }
    }

    /// Loads the weights from a file.
    public func load(path: String) throws {
        let rc = clstm_load(ctx, path)
        guard rc == 0 else { throw LSTMError(rc, "loading weights from \(path)") }
    }

    private func checkInput(_ x: [Float], _ batch: Int) throws {
        guard batch >= 1, batch <= shape.maxBatch, x.count == shape.sequenceLength * batch * shape.inputSize else {
            throw LSTMError(CLSTM_EINVAL, "input of \(x.count) floats for batch \(batch), shape \(shape)")
        }
    }
}

/// Pinball loss over `[batch][horizon][quantiles]` outputs; returns the mean loss and dLoss/dy.
public func pinballLoss(
    outputs: [Float], targets: [Float], weights: [Float]? = nil, batch: Int, horizon: Int, quantiles: [Float],
    gradient: inout [Float]
) -> Float {
    if gradient.count != outputs.count { gradient = [Float](repeating: 0, count: outputs.count) }
    return outputs.withUnsafeBufferPointer { y in
        targets.withUnsafeBufferPointer { t in
            quantiles.withUnsafeBufferPointer { q in
                gradient.withUnsafeMutableBufferPointer { d in
                    if let weights {
                        return weights.withUnsafeBufferPointer { w in
                            clstm_pinball_loss(y.baseAddress, t.baseAddress, w.baseAddress, Int32(batch), Int32(horizon), q.baseAddress, Int32(quantiles.count), d.baseAddress)
                        }
                    }
                    return clstm_pinball_loss(y.baseAddress, t.baseAddress, nil, Int32(batch), Int32(horizon), q.baseAddress, Int32(quantiles.count), d.baseAddress)
                }
            }
        }
    }
}
