import Traffic

/// How a ``ProfileBuilder`` aggregates. Every cap bounds memory; the defaults keep a multi-GB
/// log well under 200 MB.
public struct ProfilerConfiguration: Sendable {
    /// History step in seconds.
    public var stepSeconds: Double = 60
    /// Routes kept with their own model and series (the rest fold into `{other}`).
    public var topRoutes = 50
    /// Gap that ends a session, seconds.
    public var inactivityGapSeconds: Double = 1800
    /// Out-of-order tolerance: events wait this long (in log time) to be put in order.
    public var reorderWindowSeconds: Double = 300
    /// Most events held for reordering.
    public var reorderCapacity = 1 << 18
    /// Redaction applied to everything observed.
    public var redactor = Redactor()
    /// User route rules, tried before inference.
    public var templateRules: [TemplateRule] = []
    /// Distinct literal siblings under one prefix before they collapse into `{param}`.
    public var maxLiteralChildren = 40
    /// Distinct raw paths cached (also the cap of the distinct-path count).
    public var maxPaths = 200_000
    /// Distinct route shapes tracked (further shapes count as `{other}`).
    public var maxShapes = 20_000
    /// Distinct user agents tracked (further ones count in families only).
    public var maxAgents = 50_000
    /// Distinct clients counted exactly (beyond, the count is a lower bound).
    public var maxClients = 1_000_000
    /// Concrete user agents listed in the profile.
    public var topAgents = 20
    /// Parameter values listed per parameter.
    public var topValues = 20
    /// Per-route series cells kept (one per route × step with requests).
    public var seriesCellBudget = 4_000_000
    /// Longest history tracked in steps while reading (later records beyond it are counted as out of range).
    public var maxSteps = 4_000_000
    /// Longest history written to a profile: longer ones are written with a wider step (a whole
    /// multiple of ``stepSeconds``), so a year of 1-minute steps does not make a gigabyte profile.
    public var maxHistorySteps = 20_000
    /// Active sessions tracked at once.
    public var maxActiveSessions = 1_000_000
    /// Distinct route-to-route transitions tracked.
    public var maxTransitions = 1_000_000
    /// IP-prefix → country table, used when records carry no country.
    public var geoTable: GeoPrefixTable?
    /// Name written to provenance.
    public var generator = "shadowcast"

    /// The defaults.
    public init() {}
}
