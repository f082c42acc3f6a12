/// What the built-in sample-traffic generator produces: a week (by default) of e-commerce
/// traffic with daily and weekly seasonality, sessions, a mix of routes, agents and countries,
/// payload sizes, and one flash sale.
public struct SampleTrafficConfiguration: Sendable, Hashable {
    /// A flash sale: many more sessions for a while, most of them after one hot product.
    public struct FlashSale: Sendable, Hashable {
        /// Start, in seconds after the sample's start.
        public var offset: Double
        /// How long the sale lasts, in seconds (ramps up over its first tenth).
        public var duration: Double
        /// Session-arrival multiplier at the sale's peak.
        public var multiplier: Double
        /// The product everyone wants.
        public var hotProduct: Int

        /// Creates a flash sale.
        public init(offset: Double, duration: Double, multiplier: Double, hotProduct: Int) {
            self.offset = offset
            self.duration = duration
            self.multiplier = multiplier
            self.hotProduct = hotProduct
        }
    }

    /// The seed: the same configuration and seed give the same log, byte for byte.
    public var seed: UInt64
    /// Time of the first possible request, seconds since the Unix epoch (a Monday, 00:00 UTC).
    public var start: Double
    /// Length of the sample in days.
    public var days: Int
    /// Average session arrivals per second over a whole week (before the flash sale).
    public var sessionsPerSecond: Double
    /// The flash sale, if any.
    public var flashSale: FlashSale?

    /// Creates a configuration; the defaults give about a million requests.
    public init(
        seed: UInt64 = 42,
        start: Double = 1_794_787_200,  // Monday 2026-11-16 00:00 UTC
        days: Int = 7,
        sessionsPerSecond: Double = 0.25,
        flashSale: FlashSale? = FlashSale(offset: 3 * 86_400 + 12 * 3_600, duration: 2_700, multiplier: 8, hotProduct: 1_337)
    ) {
        self.seed = seed
        self.start = start
        self.days = days
        self.sessionsPerSecond = sessionsPerSecond
        self.flashSale = flashSale
    }
}
