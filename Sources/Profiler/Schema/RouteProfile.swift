/// The model of one route (a URI template such as `/users/{id}`).
public struct RouteProfile: Sendable, Codable, Equatable {
    /// The name of the pseudo-route that gathers everything outside the top K.
    public static let otherRouteName = "{other}"

    /// The template: literal segments and `{name}` parameters (`/users/{id}/posts/{date}`).
    public var route: String
    /// Requests on this route.
    public var count: Int
    /// Fraction of all requests, 0…1.
    public var share: Double
    /// Method mix on this route.
    public var methods: [WeightedValue]
    /// Status code mix on this route (`200`, `404`, … or `unknown`).
    public var statuses: [WeightedValue]
    /// Request size (bytes), when the log has it.
    public var requestBytes: QuantileSummary?
    /// Response size (bytes), when the log has it.
    public var responseBytes: QuantileSummary?
    /// Service time (seconds), when the log has it.
    public var latencySeconds: QuantileSummary?
    /// Query keys seen on this route and how often.
    public var queryKeys: [QueryKeyProfile]
    /// One value model per template parameter, in path order.
    public var parameters: [ParameterModel]
    /// Response content type, when known (inferred from the extension or a logged field).
    public var contentType: String?
    /// Up to a few observed raw paths that map to this template, for people reading the profile
    /// (secret-looking paths are never listed).
    public var examples: [String]

    /// Creates a route profile.
    public init(
        route: String, count: Int, share: Double, methods: [WeightedValue], statuses: [WeightedValue],
        requestBytes: QuantileSummary?, responseBytes: QuantileSummary?, latencySeconds: QuantileSummary?,
        queryKeys: [QueryKeyProfile], parameters: [ParameterModel], contentType: String?, examples: [String]
    ) {
        self.route = route
        self.count = count
        self.share = share
        self.methods = methods
        self.statuses = statuses
        self.requestBytes = requestBytes
        self.responseBytes = responseBytes
        self.latencySeconds = latencySeconds
        self.queryKeys = queryKeys
        self.parameters = parameters
        self.contentType = contentType
        self.examples = examples
    }
}

/// An empirical distribution summarised by quantiles (relative error ≤ ~2% from a log-bucket sketch).
public struct QuantileSummary: Sendable, Codable, Equatable {
    /// Observations.
    public var count: Int
    /// Smallest observation (exact).
    public var min: Double
    /// Largest observation (exact).
    public var max: Double
    /// Mean (exact).
    public var mean: Double
    /// Probability levels, ascending, e.g. `[0, 0.05, 0.1, …, 0.99, 1]`.
    public var probabilities: [Double]
    /// Value at each level; sample by inverse transform with linear interpolation.
    public var values: [Double]

    /// Creates a summary.
    public init(count: Int, min: Double, max: Double, mean: Double, probabilities: [Double], values: [Double]) {
        self.count = count
        self.min = min
        self.max = max
        self.mean = mean
        self.probabilities = probabilities
        self.values = values
    }
}

/// A query key seen on a route.
public struct QueryKeyProfile: Sendable, Codable, Equatable {
    /// The key as logged (keys are kept even for credentials).
    public var key: String
    /// Fraction of the route's requests that carry it.
    public var frequency: Double
    /// True when the key names a credential: its values were never read, synthesis must invent them.
    public var credential: Bool
    /// Value model for non-credential keys (`nil` for credentials).
    public var values: ValueModel?

    /// Creates a query key profile.
    public init(key: String, frequency: Double, credential: Bool, values: ValueModel?) {
        self.key = key
        self.frequency = frequency
        self.credential = credential
        self.values = values
    }
}

/// A template parameter (`{id}` in `/users/{id}`) and the values it took.
public struct ParameterModel: Sendable, Codable, Equatable {
    /// Parameter name in the template (`id`, `uuid`, `hash`, `date`, `param`, or a rule's name;
    /// repeated names get a suffix: `id`, `id2`).
    public var name: String
    /// Index of the path segment (0 = first segment after the leading `/`).
    public var segment: Int
    /// What the values look like: `integer`, `uuid`, `hex`, `date`, `token`, `text`.
    public var kind: String
    /// The values.
    public var values: ValueModel

    /// Creates a parameter model.
    public init(name: String, segment: Int, kind: String, values: ValueModel) {
        self.name = name
        self.segment = segment
        self.kind = kind
        self.values = values
    }
}

/// Observed values of a parameter: the most frequent ones plus a model of the unseen tail.
///
/// Synthesis draws from `top` with probability `topWeight`, otherwise invents a value of the
/// parameter's kind (or ranks beyond `top` under the Zipf exponent). Values that look like secrets
/// are never listed (counted in `withheld`).
public struct ValueModel: Sendable, Codable, Equatable {
    /// Observations.
    public var count: Int
    /// Most frequent values with weights (fractions of `count`), at most N.
    public var top: [WeightedValue]
    /// Sum of the weights in `top`.
    public var topWeight: Double
    /// Estimated number of distinct values (HyperLogLog, ~3% error).
    public var distinctEstimate: Int
    /// Zipf exponent `s` fitted to the ranked frequencies (`f(rank) ∝ rank^-s`); `nil` with < 3 values.
    public var zipfExponent: Double?
    /// Observations whose value was not stored because it looked like a secret.
    public var withheld: Int
    /// Length range of observed values (helps synthesis invent tail values).
    public var minLength: Int
    /// Longest observed value.
    public var maxLength: Int

    /// Creates a value model.
    public init(
        count: Int, top: [WeightedValue], topWeight: Double, distinctEstimate: Int,
        zipfExponent: Double?, withheld: Int, minLength: Int, maxLength: Int
    ) {
        self.count = count
        self.top = top
        self.topWeight = topWeight
        self.distinctEstimate = distinctEstimate
        self.zipfExponent = zipfExponent
        self.withheld = withheld
        self.minLength = minLength
        self.maxLength = maxLength
    }
}
