/// A chunk of pre-serialized requests ready for the emitter: one byte arena and one entry per
/// request. This is the hand-over format between `Synthesis` (which writes it) and `Emission`
/// (which sends it); the emitter never formats a request itself.
///
/// `Entry` mirrors the C struct `cemit_request` in `CSources/CEmit/include/CEmit.h` field for
/// field (24 bytes); `Emission` checks the layout and passes the entries to C without copying.
public struct RequestBatch: Sendable, Equatable {
    /// One request: where its bytes are in the arena, which route it belongs to, when to send it.
    public struct Entry: Sendable, Equatable, Hashable {
        /// Byte offset of the request in `arena`.
        public var offset: UInt32
        /// Length of the serialized request in bytes.
        public var length: UInt32
        /// Index into `RequestBatch.routes` (results are recorded per route).
        public var route: UInt32
        /// Fault and behaviour flags for the emitter (0: a clean request). See `RequestFlags`.
        public var flags: UInt32
        /// Intended send time in nanoseconds from the start of the run; ignored in closed mode.
        public var sendAtNanos: Int64

        /// Creates an entry.
        public init(offset: UInt32, length: UInt32, route: UInt32, flags: UInt32 = 0, sendAtNanos: Int64 = 0) {
            self.offset = offset
            self.length = length
            self.route = route
            self.flags = flags
            self.sendAtNanos = sendAtNanos
        }
    }

    /// The serialized requests, back to back.
    public var arena: [UInt8]
    /// One entry per request, in send order (non-decreasing `sendAtNanos` in open mode).
    public var entries: [Entry]
    /// Route names (templates such as `GET /users/{id}`) indexed by `Entry.route`.
    public var routes: [String]

    /// Creates a batch.
    public init(arena: [UInt8] = [], entries: [Entry] = [], routes: [String] = []) {
        self.arena = arena
        self.entries = entries
        self.routes = routes
    }

    /// Appends one serialized request and returns its index.
    @discardableResult
    public mutating func append(_ bytes: some Collection<UInt8>, route: UInt32, flags: UInt32 = 0, sendAtNanos: Int64 = 0) -> Int {
        let offset = UInt32(arena.count)
        arena.append(contentsOf: bytes)
        entries.append(Entry(offset: offset, length: UInt32(bytes.count), route: route, flags: flags, sendAtNanos: sendAtNanos))
        return entries.count - 1
    }

    /// The bytes of request `index`.
    public func bytes(at index: Int) -> ArraySlice<UInt8> {
        let entry = entries[index]
        let start = Int(entry.offset)
        return arena[start..<(start + Int(entry.length))]
    }
}
