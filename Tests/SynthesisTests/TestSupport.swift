import Foundation
import Profiler
import Synthesis
import Traffic

/// A request split back into its parts (for assertions).
struct ParsedRequest {
    var method: String
    var target: String
    var headers: [(String, String)]
    var body: [UInt8]
    var raw: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
    var query: [(String, String)] {
        guard let q = target.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
        return q.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    init?(_ bytes: some Collection<UInt8>) {
        raw = Array(bytes)
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = raw.firstRange(of: separator) else { return nil }
        let head = String(decoding: raw[..<end.lowerBound], as: UTF8.self)
        body = Array(raw[end.upperBound...])
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3, requestLine[2] == "HTTP/1.1" else { return nil }
        method = String(requestLine[0])
        target = String(requestLine[1])
        headers = lines.map { line in
            guard let colon = line.firstIndex(of: ":") else { return (line, "") }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
    }
}

/// All requests of a generator, with their batch entries.
func collect(_ generator: ScheduleGenerator) -> [(entry: RequestBatch.Entry, bytes: [UInt8])] {
    var all: [(entry: RequestBatch.Entry, bytes: [UInt8])] = []
    while let batch = generator.nextChunk() {
        for index in batch.entries.indices { all.append((batch.entries[index], Array(batch.bytes(at: index)))) }
    }
    return all
}

func options(seed: UInt64 = 7, duration: Double = 10, _ configure: (inout SynthesisOptions) -> Void = { _ in }) -> SynthesisOptions {
    var o = SynthesisOptions()
    o.seed = seed
    o.durationSeconds = duration
    o.chunkRequests = 1024
    configure(&o)
    return o
}

/// Pearson chi-square statistic of observed counts against expected probabilities.
func chiSquare(observed: [Int], expected probabilities: [Double]) -> Double {
    let total = Double(observed.reduce(0, +))
    var statistic = 0.0
    for (o, p) in zip(observed, probabilities) where p > 0 {
        let e = total * p
        statistic += (Double(o) - e) * (Double(o) - e) / e
    }
    return statistic
}

/// Upper critical value of chi-square with `df` degrees of freedom at p = 0.001
/// (Wilson–Hilferty approximation, z = 3.09).
func chiSquareCritical(df: Int) -> Double {
    let k = Double(df)
    let z = 3.09
    return k * pow(1 - 2 / (9 * k) + z * (2 / (9 * k)).squareRoot(), 3)
}

/// Kolmogorov–Smirnov distance between a sample and a CDF.
func ksDistance(_ sample: [Double], cdf: (Double) -> Double) -> Double {
    let sorted = sample.sorted()
    let n = Double(sorted.count)
    var d = 0.0
    for (i, x) in sorted.enumerated() {
        let f = cdf(x)
        d = max(d, abs(f - Double(i) / n), abs(Double(i + 1) / n - f))
    }
    return d
}
