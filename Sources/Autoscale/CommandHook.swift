import Foundation

/// Runs a command with templated arguments, e.g.
/// `kubectl scale deployment/web --replicas={replicas}`.
///
/// The template is split into words like a shell would (single and double quotes, backslash
/// escapes) but no shell runs: each word, after substitution, is one argument. A non-zero exit
/// status, a failure to start, or running past `timeout` is an error.
public struct CommandHook: ScaleHook {
    /// The template's words.
    public let words: [String]
    /// Seconds before the command is terminated.
    public let timeout: Double
    public var name: String { "command \(words.first ?? "")" }

    /// Parses a template; throws when quotes are unbalanced or it is empty.
    public init(template: String, timeout: Double = 30) throws {
        words = try Self.split(template)
        guard !words.isEmpty else { throw ScaleHookError(hook: "command", message: "empty command template") }
        self.timeout = timeout
    }

    /// The arguments for `decision` (the executable first).
    public func arguments(for decision: ScaleDecision) -> [String] {
        words.map { ScaleTemplate.render($0, decision) }
    }

    public func apply(_ decision: ScaleDecision) async throws {
        let arguments = arguments(for: decision)
        let process = Process()
        if arguments[0].contains("/") {
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
        }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: ScaleHookError(hook: name, message: "cannot start: \(error)"))
                return
            }
            let pid = process.processIdentifier
            let timeout = self.timeout
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning && process.processIdentifier == pid { process.terminate() }
            }
        }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().prefix(500), as: UTF8.self)
        guard status == 0 else {
            throw ScaleHookError(hook: name, message: "exit status \(status)\(stderr.isEmpty ? "" : ": \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))")")
        }
    }

    /// Splits a command line into words (quotes and backslashes as in a POSIX shell, no expansion).
    static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
                inWord = true
                continue
            }
            switch (quote, character) {
            case (nil, "\\"), ("\"", "\\"):
                escaped = true
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case (let open?, let c) where c == open:
                quote = nil
            case (nil, let c) where c == " " || c == "\t" || c == "\n":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        if quote != nil || escaped {
            throw ScaleHookError(hook: "command", message: "unbalanced quote or trailing backslash in '\(line)'")
        }
        if inWord { words.append(current) }
        return words
    }
}
