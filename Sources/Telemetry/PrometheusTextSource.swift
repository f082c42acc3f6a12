/// Something that appends its own metric families, already in the Prometheus text format, to
/// what ``MetricsExporter`` serves (for types swift-prometheus does not offer, like summaries).
public protocol PrometheusTextSource: Sendable {
    /// Appends complete families (`# HELP`, `# TYPE`, samples), each line ending in `\n`.
    func emitPrometheusText(into buffer: inout [UInt8])
}
