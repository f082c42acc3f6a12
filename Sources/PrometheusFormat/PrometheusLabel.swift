/// Formatting of label values and sample values in the Prometheus text exposition format
/// (version 0.0.4), shared by every module that writes that format by hand (the Lab's own
/// metrics, the engine's latency summaries).
public enum PrometheusLabel {
    /// `value` escaped for use between the double quotes of a label: backslash, double quote and
    /// line feed become `\\`, `\"` and `\n`; everything else is kept as it is.
    public static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// A sample value as the format spells it: `NaN`, `+Inf`, `-Inf`, or Swift's shortest
    /// round-tripping decimal.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }
}
