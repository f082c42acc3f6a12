import Foundation

/// CPU and memory of a local process, read from procfs (Linux).
public enum ProcessStats {
    /// Reads `/proc/<pid>/stat` and `/proc/<pid>/status`; `root` is for tests.
    public static func read(pid: Int32, at time: Double, root: String = "/proc") throws(MonitorInputError) -> ResourceReading {
        let statPath = "\(root)/\(pid)/stat"
        let stat: String
        let status: String
        do {
            stat = try String(contentsOfFile: statPath, encoding: .utf8)
            status = try String(contentsOfFile: "\(root)/\(pid)/status", encoding: .utf8)
        } catch {
            throw MonitorInputError(source: statPath, message: "cannot read process \(pid): \(error.localizedDescription)")
        }
        // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
        guard let close = stat.lastIndex(of: ")") else {
            throw MonitorInputError(source: statPath, message: "no ')' closing the command name")
        }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, utime field 14, stime field 15 → indexes 11 and 12 here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw MonitorInputError(source: statPath, message: "expected utime and stime in fields 14 and 15")
        }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var rss: Double?
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2, let kib = Double(parts[1]) { rss = kib * 1024 }
        }
        return ResourceReading(time: time, cpuSeconds: (user + system) / (ticks > 0 ? ticks : 100), memoryBytes: rss, utilization: nil)
    }
}
