/// Parses a step or duration such as `300`, `300s`, `5m`, `1h`, `1d` into seconds.
public enum StepDuration {
    public static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let last = t.last else { return nil }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]
        let (numberText, unit): (Substring, Double) = units[last].map { (t.dropLast(), $0) } ?? (Substring(t), 1)
        guard let v = Double(numberText), v > 0, v.isFinite else { return nil }
        return v * unit
    }
}
import Foundation
