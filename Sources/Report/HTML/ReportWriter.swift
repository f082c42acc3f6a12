import Foundation

/// Writes a report folder: `<folder>/shadowcast-report/index.html` and `summary.json`.
public struct ReportWriter: Sendable {
    /// Name of the folder created inside the chosen parent folder.
    public static let folderName = "shadowcast-report"

    /// The renderer used for `index.html`.
    public var renderer: ReportRenderer

    /// Creates a writer.
    public init(renderer: ReportRenderer = ReportRenderer()) {
        self.renderer = renderer
    }

    /// Where a report went.
    public struct Written: Sendable, Equatable {
        /// The `shadowcast-report` folder.
        public var folder: URL
        /// The HTML page.
        public var html: URL
        /// The JSON summary.
        public var summary: URL
    }

    /// Creates `shadowcast-report/` inside `parent` (and `parent` itself if needed), then writes
    /// both files atomically, replacing an older report there. The command line and target
    /// URLs are redacted again on the way out (``SecretRedactor``).
    @discardableResult
    public func write(_ summary: RunSummary, into parent: URL) throws -> Written {
        try write(summary, to: parent.appendingPathComponent(Self.folderName, isDirectory: true))
    }

    /// Writes `index.html` and `summary.json` into `folder` itself (created with its parents
    /// if needed), replacing an older report there; redacts like ``write(_:into:)``.
    @discardableResult
    public func write(_ summary: RunSummary, to folder: URL) throws -> Written {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ReportWriteError(path: folder.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        let html = folder.appendingPathComponent("index.html")
        let json = folder.appendingPathComponent("summary.json")
        // Defence in depth: whatever a stage put in, no credential leaves in the files.
        var safe = summary
        safe.meta.command = SecretRedactor.redact(command: summary.meta.command)
        safe.meta.targets = summary.meta.targets.map { var t = $0; t.url = SecretRedactor.redact(url: t.url); return t }
        let data = try SummaryCodec.encode(safe)
        try write(data, to: json)
        try write(Data(renderer.render(safe).utf8), to: html)
        return Written(folder: folder, html: html, summary: json)
    }

    private func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ReportWriteError(path: url.path, reason: error.localizedDescription)
        }
    }
}

/// A report file could not be written.
public struct ReportWriteError: Error, CustomStringConvertible, Equatable {
    /// The file or folder.
    public var path: String
    /// What went wrong.
    public var reason: String

    public var description: String { "cannot write \(path): \(reason)" }
}
