import Foundation
import Testing

/// The README's C example, compiled as written against `CEmit.h` and the engine's objects from
/// this build, and run against the C sink on loopback.
@Suite("C embedding example")
struct CHeaderExampleTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The ```c block of the README.
    static func readmeExample() throws -> String {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```c\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        return String(readme[start.upperBound..<end.lowerBound])
    }

    @Test("the README's C example builds with cc and sends requests to the sink")
    func buildsAndRuns() throws {
        let example = try Self.readmeExample()
        // The example is a function body: put its includes first and the rest in main().
        let lines = example.split(separator: "\n", omittingEmptySubsequences: false)
        let includes = lines.filter { $0.hasPrefix("#include") }.joined(separator: "\n")
        let body = lines.filter { !$0.hasPrefix("#include") }.joined(separator: "\n")
        let program = "\(includes)\n#include <errno.h>\n#include <stdio.h>\nint main(void) {\n\(body)\nreturn 0;\n}\n"

        // The engine's objects sit beside this test bundle, in CEmit.build/.
        let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        var objects: [String] = []
        let sources = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("CSources/CEmit").path)
        for source in sources.sorted() where source.hasSuffix(".c") {
            let object = buildDirectory.appendingPathComponent("CEmit.build/\(source).o").path
            guard FileManager.default.fileExists(atPath: object) else {
                Issue.record("no object \(object) for \(source): was CEmit built in \(buildDirectory.path)?")
                return
            }
            objects.append(object)
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("shadowcast-c-example-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try program.write(to: work.appendingPathComponent("example.c"), atomically: true, encoding: .utf8)

        let compile = try Self.run("/usr/bin/cc", ["-std=c11", "-Wall", "-Werror", "-D_GNU_SOURCE",
            "-I", Self.root.appendingPathComponent("CSources/CEmit/include").path,
            work.appendingPathComponent("example.c").path] + objects + ["-luring", "-lpthread", "-o", work.appendingPathComponent("example").path])
        #expect(compile.status == 0, "cc failed: \(compile.output)")
        guard compile.status == 0 else { return }
        let run = try Self.run(work.appendingPathComponent("example").path, [])
        #expect(run.status == 0, "\(run.output)")
        let answered = run.output.split(separator: " ").first.flatMap { Int($0) } ?? 0
        #expect(answered > 0, "\(run.output)")
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
