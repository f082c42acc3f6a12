import Foundation

/// Formats live progress for the command line; it only formats, the caller writes the text.
///
/// On a terminal it produces one line that rewrites itself (carriage return, erase to end of
/// line), fitted to the terminal width by dropping the least important fields first. When the
/// output is not a terminal (CI logs, pipes) it produces plain lines, at most one per
/// `interval` seconds, that read well in a log.
///
/// ```swift
/// var progress = ProgressReporter(mode: .detect(fileDescriptor: 2))
/// if let text = progress.update(snapshot) { FileHandle.standardError.write(Data(text.utf8)) }
/// FileHandle.standardError.write(Data(progress.finish().utf8))
/// ```
public struct ProgressReporter: Sendable {
    /// Where the text goes.
    public enum Mode: Sendable, Equatable {
        /// An interactive terminal of this many columns.
        case terminal(width: Int)
        /// A log or pipe: one plain line per interval.
        case lines

        /// A terminal if `fileDescriptor` is a TTY (with its width, 80 if unknown), else plain lines.
        public static func detect(fileDescriptor: Int32) -> Mode {
            guard isatty(fileDescriptor) == 1 else { return .lines }
            var size = winsize()
            if ioctl(fileDescriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
                return .terminal(width: Int(size.ws_col))
            }
            return .terminal(width: 80)
        }
    }

    /// Where the text goes.
    public var mode: Mode
    /// Seconds between plain lines (`.lines` mode).
    public var interval: Double
    /// Seconds between redraws on a terminal.
    public var redrawInterval: Double
    private var lastEmitted: Double?
    private var drewTerminalLine = false

    /// Creates a reporter.
    public init(mode: Mode, interval: Double = 5, redrawInterval: Double = 0.1) {
        self.mode = mode
        self.interval = interval
        self.redrawInterval = redrawInterval
    }

    /// The text to write for this snapshot, or nil when it is too soon since the last one.
    public mutating func update(_ snapshot: ProgressSnapshot) -> String? {
        let every: Double
        switch mode {
        case .terminal: every = redrawInterval
        case .lines: every = interval
        }
        if let last = lastEmitted, snapshot.elapsed - last < every, snapshot.elapsed >= last { return nil }
        lastEmitted = snapshot.elapsed
        return render(snapshot)
    }

    /// The text for a snapshot, regardless of timing.
    public mutating func render(_ snapshot: ProgressSnapshot) -> String {
        switch mode {
        case .terminal(let width):
            drewTerminalLine = true
            return "\r" + Self.terminalLine(snapshot, width: width) + "\u{1B}[K"
        case .lines:
            return Self.plainLine(snapshot) + "\n"
        }
    }

    /// What to write when the run ends: ends the refreshing line on a terminal.
    public mutating func finish() -> String {
        guard case .terminal = mode, drewTerminalLine else { return "" }
        drewTerminalLine = false
        return "\n"
    }

    // MARK: Formatting

    /// A plain log line: `[  1:05] 2,400 rps  p99 45.2 ms  errors 12 (0.41%)  1:55 left`.
    public static func plainLine(_ s: ProgressSnapshot) -> String {
        var parts = ["[\(pad(NumberFormat.clock(s.elapsed), 6))]", rateText(s.rate), "p99 " + (s.p99Ms.map(NumberFormat.latency) ?? "–"), errorText(s)]
        if let remaining = s.remaining { parts.append("\(NumberFormat.clock(max(0, remaining))) left") }
        return parts.joined(separator: "  ")
    }

    /// A terminal line no wider than `width - 1` columns. Fields are dropped in this order as
    /// the terminal narrows: progress bar, remaining time, error share, errors, p99.
    public static func terminalLine(_ s: ProgressSnapshot, width: Int) -> String {
        let limit = max(10, width - 1)
        let time = s.remaining.map { "\(NumberFormat.clock(s.elapsed)) / \(NumberFormat.clock(s.elapsed + max(0, $0)))" } ?? NumberFormat.clock(s.elapsed)
        let rate = rateText(s.rate)
        let p99 = "p99 " + (s.p99Ms.map(NumberFormat.latency) ?? "–")
        let errorsFull = errorText(s)
        let errorsShort = "err \(NumberFormat.grouped(s.errors))"
        let fraction = s.remaining.map { r -> Double in
            let total = s.elapsed + max(0, r)
            return total > 0 ? min(1, max(0, s.elapsed / total)) : 1
        }

        let candidates: [[String?]] = [
            [nil, time, rate, p99, errorsFull],
            [nil, time, rate, p99, errorsShort],
            [nil, NumberFormat.clock(s.elapsed), rate, p99, errorsShort],
            [nil, NumberFormat.clock(s.elapsed), rate, p99],
            [nil, NumberFormat.clock(s.elapsed), rate],
        ]
        for fields in candidates {
            let text = fields.compactMap { $0 }.joined(separator: " · ")
            // A bar takes what room is left, if there is at least 12 columns for it.
            if let fraction {
                let room = limit - text.count - 1
                if room >= 12 {
                    let inner = min(30, room - 2)
                    return bar(fraction, width: inner) + " " + text
                }
            }
            if text.count <= limit { return text }
        }
        return String(NumberFormat.clock(s.elapsed) + " " + rate).prefix(limit).description
    }

    static func bar(_ fraction: Double, width: Int) -> String {
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "=", count: filled) + (filled < width ? ">" + String(repeating: " ", count: width - filled - 1) : "") + "]"
    }

    static func rateText(_ rate: Double) -> String {
        NumberFormat.rate(rate)
    }

    static func errorText(_ s: ProgressSnapshot) -> String {
        var text = "errors \(NumberFormat.grouped(s.errors))"
        if let rate = s.errorRate { text += " (\(NumberFormat.percent(rate)))" }
        return text
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
