/// What the Lab answers to one request.
public struct LabResponse: Sendable, Hashable {
    /// HTTP status.
    public var status: Int
    /// Body size in bytes (filled with a fixed byte) unless `text` is set.
    public var bodyBytes: Int
    /// A text body (metrics, admin answers, errors).
    public var text: String?
    /// Content type of the body.
    public var contentType: String

    /// A filler body of `bytes` bytes.
    public static func filler(status: Int, bytes: Int) -> LabResponse {
        LabResponse(status: status, bodyBytes: bytes, text: nil, contentType: "application/octet-stream")
    }

    /// A text body.
    public static func text(status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> LabResponse {
        LabResponse(status: status, bodyBytes: text.utf8.count, text: text, contentType: contentType)
    }
}
