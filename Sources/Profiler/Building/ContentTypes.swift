/// Content type guessed from a path's extension (used when the log has no content-type field).
enum ContentTypes {
    static func guess(path: String) -> String? {
        guard let last = path.split(separator: "/").last, let dot = last.lastIndex(of: "."), !last.hasPrefix("{") || last.contains(".") else { return nil }
        switch last[last.index(after: dot)...].lowercased() {
        case "html", "htm": return "text/html"
        case "css": return "text/css"
        case "js": return "application/javascript"
        case "json": return "application/json"
        case "xml": return "application/xml"
        case "txt": return "text/plain"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "svg": return "image/svg+xml"
        case "ico": return "image/x-icon"
        case "webp": return "image/webp"
        case "pdf": return "application/pdf"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "gz", "tgz": return "application/gzip"
        case "zip": return "application/zip"
        case "py", "sh", "rb", "c", "h", "conf": return "text/plain"
        case "rss", "atom": return "application/rss+xml"
        default: return nil
        }
    }
}
