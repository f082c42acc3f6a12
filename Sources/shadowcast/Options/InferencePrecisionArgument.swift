import ArgumentParser
import Shadowcast

/// `--inference-precision fp32|int16|int8` (the raw values).
extension LSTMInferencePrecision: ExpressibleByArgument {}
