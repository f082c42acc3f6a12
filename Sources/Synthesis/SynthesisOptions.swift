import Profiler

/// How the synthetic schedule is produced from a profile. Every field has a documented default;
/// the same profile, options and seed always give byte-identical requests and timestamps.
public struct SynthesisOptions: Sendable, Equatable {
    /// Which part of the profile drives the request rate.
    public enum RateCurve: Sendable, Equatable {
        /// The forecast at this quantile level (interpolated between the forecast's levels).
        case quantile(Double)
        /// A sampled path between the forecast's quantiles: per step a quantile level from a
        /// correlated (AR(1), coefficient 0.8) Gaussian, so bursts last several steps.
        case sampledPath
    }

    /// How arrivals are produced.
    public enum ArrivalModel: String, Sendable, Equatable, CaseIterable {
        /// Independent requests, a non-homogeneous Poisson process.
        case open
        /// Independent requests evenly spaced at the curve's rate (one every 1 / rate seconds,
        /// wrk2's constant throughput): the rate without the Poisson process's bursts, to hold a
        /// target at a precise rate (e.g. at its measured ceiling).
        case even
        /// Sessions start as a non-homogeneous Poisson process and each walks the profile's
        /// route Markov chain with sampled think times.
        case sessions
    }

    /// Overall rate override.
    public enum RateOverride: Sendable, Equatable {
        /// The profile's own rate.
        case profile
        /// Scale the curve so its mean over the run is this many requests per second.
        case absolute(Double)
        /// Multiply the curve.
        case scale(Double)
    }

    /// A request body for one route, used instead of JSON filler.
    public struct BodyTemplate: Sendable, Equatable {
        /// `Content-Type` sent with it.
        public var contentType: String
        /// The body bytes.
        public var bytes: [UInt8]

        /// Creates a body template.
        public init(contentType: String = "application/json", bytes: [UInt8]) {
            self.contentType = contentType
            self.bytes = bytes
        }
    }

    /// Seed of every random draw.
    public var seed: UInt64 = 1
    /// Length of the run in seconds (run time, after compression).
    public var durationSeconds: Double = 60
    /// Forecast quantile or sampled path.
    public var curve: RateCurve = .quantile(0.5)
    /// Open model or sessions.
    public var arrivals: ArrivalModel = .open
    /// Rate override (applied before scenarios).
    public var rate: RateOverride = .profile
    /// Route share overrides (`route template → share`); other routes are rescaled to fill the rest.
    public var routeShares: [String: Double] = [:]
    /// Multiplies sampled body sizes.
    public var payloadScale: Double = 1
    /// User-agent distribution override (`agent → weight`); `nil` uses the profile's.
    public var userAgents: [WeightedValue]? = nil
    /// Geo distribution override (`country → weight`); `nil` uses the profile's.
    public var geo: [WeightedValue]? = nil
    /// Name of the header carrying the sampled country.
    public var geoHeader: String = "X-Geo-Country"
    /// `Host` header value.
    public var host: String = "localhost"
    /// Profile seconds per run second: 24 plays a day of traffic (all of its requests) in an hour.
    public var timeCompression: Double = 1
    /// Body templates by route template.
    public var bodyTemplates: [String: BodyTemplate] = [:]
    /// Requests per chunk handed to the emitter.
    public var chunkRequests: Int = 8192
    /// Longest stretch of schedule time one chunk covers, nanoseconds (keeps low-rate chunks timely).
    public var chunkSpanNanos: Int64 = 250_000_000
    /// Which part of the one schedule this process produces.
    public var shard: Shard = .whole
    /// What-if scenario applied on top of the profile's rate and mix.
    public var scenario: Scenario? = nil
    /// Fault injection plan.
    public var faults: FaultPlan? = nil

    /// Default options.
    public init() {}
}

/// A deterministic part of one schedule: request `k` (0-based global index in send order)
/// belongs to shard `k % count`. `count` processes with indices `0..<count` together send
/// exactly the requests, bytes and timestamps one process would.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// This shard, `0..<count`.
    public var index: Int
    /// Number of shards.
    public var count: Int

    /// The whole schedule.
    public static let whole = Shard(validIndex: 0, count: 1)

    private init(validIndex: Int, count: Int) {
        self.index = validIndex
        self.count = count
    }

    /// Creates a shard, checking `0 <= index < count`.
    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 0, index < count else {
            throw SynthesisError.invalidOption(field: "shard", detail: "expected i/N with 0 <= i < N, got \(index)/\(count)")
        }
        self.init(validIndex: index, count: count)
    }

    /// Parses `i/N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw SynthesisError.invalidOption(field: "shard", detail: "expected i/N (e.g. 0/4), got '\(text)'")
        }
        try self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }
}
