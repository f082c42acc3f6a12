import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a log could not be read.
public struct LogInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, naming the input (and line/byte when known).
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A stream of log bytes: a file, a gzip file (detected by its magic bytes, inflated as it
/// streams) or standard input. Reads into caller buffers; holds at most zlib's state and one
/// compressed buffer.
public final class LogSource {
    /// The name used in messages and provenance (`-` for standard input).
    public let name: String
    /// Whether the bytes are gzip-compressed.
    public private(set) var isGzip = false
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var stream = z_stream()
    private var compressed: UnsafeMutablePointer<UInt8>?
    private let compressedCapacity = 1 << 20
    private var inflateEnded = false
    private var sniffed: [UInt8] = []
    private var sniffDone = false
    private var sawEnd = false

    /// Opens a file; `-` means standard input.
    public convenience init(path: String) throws {
        if path == "-" {
            self.init(name: "-", descriptor: 0, owns: false)
        } else {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw LogInputError("\(path): cannot open (\(String(cString: strerror(errno))))") }
            var info = stat()
            if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw LogInputError("\(path): is a directory")
            }
            self.init(name: path, descriptor: fd, owns: true)
        }
    }

    /// Wraps an open descriptor (a pipe, a socket); `owns` closes it on deinit.
    public init(name: String, descriptor: Int32, owns: Bool) {
        self.name = name
        self.descriptor = descriptor
        self.ownsDescriptor = owns
    }

    deinit {
        if isGzip && !inflateEnded { inflateEnd(&stream) }
        compressed?.deallocate()
        if ownsDescriptor { close(descriptor) }
    }

    private func rawRead(_ buffer: UnsafeMutablePointer<UInt8>, _ capacity: Int) throws -> Int {
        while true {
            let n = Glibc.read(descriptor, buffer, capacity)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw LogInputError("\(name): read failed (\(String(cString: strerror(errno))))")
        }
    }

    /// Reads up to `capacity` decompressed bytes; 0 means end of input.
    public func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        if !sniffDone { try sniff() }
        if !isGzip {
            if !sniffed.isEmpty {
                let n = min(capacity, sniffed.count)
                sniffed.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: n) }
                sniffed.removeFirst(n)
                return n
            }
            return try rawRead(buffer, capacity)
        }
        return try inflateInto(buffer, capacity)
    }

    private func sniff() throws {
        sniffDone = true
        var head = [UInt8](repeating: 0, count: 2)
        var got = 0
        while got < 2 {
            let n = try head.withUnsafeMutableBufferPointer { try rawRead($0.baseAddress! + got, 2 - got) }
            if n == 0 { break }
            got += n
        }
        sniffed = Array(head[..<got])
        guard got == 2, head[0] == 0x1f, head[1] == 0x8b else { return }
        isGzip = true
        compressed = .allocate(capacity: compressedCapacity)
        compressed![0] = 0x1f
        compressed![1] = 0x8b
        stream.next_in = compressed
        stream.avail_in = 2
        sniffed = []
        // 15 + 32: zlib or gzip header, auto-detected.
        let status = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw LogInputError("\(name): zlib init failed (\(status))") }
    }

    private func inflateInto(_ buffer: UnsafeMutablePointer<UInt8>, _ capacity: Int) throws -> Int {
        guard !inflateEnded else { return 0 }
        stream.next_out = buffer
        stream.avail_out = UInt32(min(capacity, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if stream.avail_in == 0 {
                let n = try rawRead(compressed!, compressedCapacity)
                if n == 0 {
                    if !sawEnd { throw LogInputError("\(name): gzip data ends early (truncated file)") }
                    inflateEnded = true
                    inflateEnd(&stream)
                    break
                }
                stream.next_in = compressed
                stream.avail_in = UInt32(n)
            }
            sawEnd = false
            let status = inflate(&stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                sawEnd = true
                // Concatenated members (`cat a.gz b.gz`) continue after a reset.
                inflateReset(&stream)
                if stream.avail_in == 0 { continue }
            } else if status == Z_BUF_ERROR && stream.avail_in == 0 {
                continue
            } else if status != Z_OK {
                let detail = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                throw LogInputError("\(name): corrupt gzip data at compressed byte \(stream.total_in) (\(detail))")
            }
        }
        return capacity - Int(stream.avail_out)
    }
}
