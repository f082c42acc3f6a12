import Foundation

/// Generates the sample access log that `shadowcast demo` starts from: realistic, seeded
/// e-commerce traffic written in Combined Log Format.
///
/// Sessions arrive as a non-homogeneous Poisson process (daily and weekly seasonality, a flash
/// sale); each session picks an agent and a country, then walks the shop's pages as a Markov
/// chain with log-normal think times. The same configuration gives the same bytes.
public struct SampleTrafficGenerator: Sendable {
    /// One generated request, compact: strings are produced only when a line is written.
    struct Event: Sendable {
        var time: Double
        var session: UInt32
        var page: UInt8
        var referrer: Int8
        var status: UInt16
        var parameter: Int32
        var responseBytes: UInt32
    }

    /// One generated session's fixed attributes.
    struct Session: Sendable {
        var agent: String
        var country: Int
        var address: (UInt8, UInt8)
        var user: Int32
    }

    /// The configuration this generator was made with.
    public let configuration: SampleTrafficConfiguration
    private let events: [Event]
    private let sessions: [Session]

    /// Generates the whole sample in memory (about 40 bytes a request).
    public init(configuration: SampleTrafficConfiguration = SampleTrafficConfiguration()) {
        self.configuration = configuration
        var random = SeededRandom(seed: configuration.seed)
        var builder = SampleSessionWalker(configuration: configuration)
        var sessions: [Session] = []
        var events: [Event] = []
        let minutes = configuration.days * 1_440
        for minute in 0..<minutes {
            let minuteStart = Double(minute) * 60
            let rate = Self.sessionRate(at: minuteStart + 30, configuration: configuration)
            var t = minuteStart + random.nextExponential(mean: 1 / rate)
            while t < minuteStart + 60 {
                let inSale = configuration.flashSale.map { t >= $0.offset && t < $0.offset + $0.duration } ?? false
                let session = builder.startSession(index: UInt32(sessions.count), at: t, inFlashSale: inSale, random: &random, into: &events)
                sessions.append(session)
                t += random.nextExponential(mean: 1 / rate)
            }
        }
        let horizon = Double(minutes) * 60
        events.removeAll { $0.time >= horizon }
        events.sort { $0.time < $1.time }
        self.events = events
        self.sessions = sessions
    }

    /// Number of requests in the sample.
    public var requestCount: Int { events.count }
    /// Number of sessions in the sample.
    public var sessionCount: Int { sessions.count }

    /// Session arrivals per second at `offset` seconds into the sample.
    static func sessionRate(at offset: Double, configuration: SampleTrafficConfiguration) -> Double {
        let hour = (offset / 3_600).truncatingRemainder(dividingBy: 24)
        let day = Int(offset / 86_400) % 7  // 0 = Monday
        let evening = exp(-((hour - 20) * (hour - 20)) / (2 * 3.2 * 3.2))
        let lunch = 0.55 * exp(-((hour - 12.5) * (hour - 12.5)) / (2 * 1.8 * 1.8))
        let daily = 0.18 + 1.6 * (evening + lunch)
        let weekly: [Double] = [0.92, 0.94, 0.97, 1.0, 1.08, 1.22, 1.17]
        var rate = configuration.sessionsPerSecond * daily * weekly[day] / 0.93
        if let sale = configuration.flashSale, offset >= sale.offset, offset < sale.offset + sale.duration {
            let ramp = min(1, (offset - sale.offset) / (sale.duration / 10))
            rate *= 1 + (sale.multiplier - 1) * ramp
        }
        return max(rate, 1e-6)
    }

    /// Writes the sample as Combined Log Format lines, in time order, to `path`.
    public func writeCombinedLog(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var chunk = ""
        chunk.reserveCapacity(1 << 20)
        for index in events.indices {
            appendCombinedLine(of: index, to: &chunk)
            if chunk.utf8.count >= 1 << 20 {
                try handle.write(contentsOf: Data(chunk.utf8))
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(chunk.utf8))
    }

    /// The sample's lines in Combined Log Format, in time order.
    public func combinedLines() -> [String] {
        events.indices.map { index in
            var line = ""
            appendCombinedLine(of: index, to: &line)
            line.removeLast()
            return line
        }
    }

    /// The address-prefix → country table of the sample, one `prefix,country` line per country
    /// (`23.20.0.0/16,US`), for the profiler's geo lookup.
    public static func countryPrefixTable() -> String {
        SampleCountry.all.map { "\($0.prefix.0).\($0.prefix.1).0.0/16,\($0.code)" }.joined(separator: "\n") + "\n"
    }

    private func appendCombinedLine(of index: Int, to line: inout String) {
        let event = events[index]
        let session = sessions[Int(event.session)]
        let country = SampleCountry.all[session.country]
        let page = SamplePage(rawValue: Int(event.page)) ?? .home
        let (method, target) = SampleRequestLine.make(page: page, parameter: event.parameter, user: session.user, session: event.session)
        line += "\(country.prefix.0).\(country.prefix.1).\(session.address.0).\(session.address.1) - - ["
        line += CombinedTimestamp.format(configuration.start + event.time)
        line += "] \"\(method) \(target) HTTP/1.1\" \(event.status) \(event.responseBytes) \""
        if event.referrer >= 0, let from = SamplePage(rawValue: Int(event.referrer)) {
            line += "https://shop.example" + SampleRequestLine.make(page: from, parameter: event.parameter, user: session.user, session: event.session).target
        } else {
            line += "-"
        }
        line += "\" \"\(session.agent)\"\n"
    }
}
