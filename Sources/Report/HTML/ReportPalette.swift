/// Colours used consistently across every chart and table of the report.
enum ReportPalette {
    static let primary = "#64748b"      // slate: the production-like copy
    static let secondary = "#ea580c"    // orange: the copy under test
    static let history = "#1e3a8a"      // navy: observed traffic
    static let forecast = "#7c3aed"     // violet: forecast median and band
    static let actual = "#0d9488"       // teal: what actually came
    static let event = "#7c3aed"
    static let scaling = "#15803d"      // green: autoscaler actions
    static let fault = "#b91c1c"
}
