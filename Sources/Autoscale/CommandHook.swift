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
        let state = CommandState()
        let (status, reason): (Int32, Process.TerminationReason) = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in
                state.markExited()
                continuation.resume(returning: (process.terminationStatus, process.terminationReason))
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: ScaleHookError(hook: name, message: "cannot start: \(error)"))
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                // Only signal our own child, and only while it has not been reaped (pids are reused).
                if state.markTimedOutIfRunning() { kill(pid, SIGKILL) }
            }
        }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().prefix(500), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if state.timedOut {
            throw ScaleHookError(hook: name, message: "timed out after \(timeout) s and was killed")
        }
        guard reason == .exit else {
            throw ScaleHookError(hook: name, message: "killed by signal \(status)")
        }
        guard status == 0 else {
            throw ScaleHookError(hook: name, message: "exit status \(status)\(stderr.isEmpty ? "" : ": \(stderr)")")
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

/// Whether a command hook's child has exited or timed out.
///
/// `@unchecked Sendable` is sound: both fields are only read and written while holding `lock`.
private final class CommandState: @unchecked Sendable {
    private let lock = NSLock()
    private var exited = false
    private var didTimeOut = false

    func markExited() {
        lock.lock()
        exited = true
        lock.unlock()
    }

    /// Marks a timeout and returns true when the child is still running.
    func markTimedOutIfRunning() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if exited { return false }
        didTimeOut = true
        return true
    }

    var timedOut: Bool {
        lock.lock()
        defer { lock.unlock() }
        return didTimeOut
    }
}
