import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends a scaling decision over HTTP: a JSON webhook, or the Lab's admin endpoint.
///
/// The URL may use `{replicas}`, `{current}` and `{policy}`. With `sendsJSON`, the body is
/// `{"replicas":N,"current":C,"policy":"…","reason":"…","time":T,"inputs":{…}}`. Any status
/// outside 200–299 is an error. (Foundation's URLSession is used so the Autoscale module needs no
/// extra package.)
public struct HTTPScaleHook: ScaleHook {
    /// URL template.
    public let urlTemplate: String
    /// HTTP method.
    public let method: String
    /// Whether a JSON body is sent.
    public let sendsJSON: Bool
    /// Extra headers (e.g. an authorization token: never logged).
    public let headers: [String: String]
    /// Seconds before the request is abandoned.
    public let timeout: Double
    public var name: String

    /// A JSON webhook.
    public static func webhook(url: String, headers: [String: String] = [:], timeout: Double = 10) -> HTTPScaleHook {
        HTTPScaleHook(urlTemplate: url, method: "POST", sendsJSON: true, headers: headers, timeout: timeout, name: "webhook")
    }

    /// The Lab's admin endpoint at `base` (e.g. `http://127.0.0.1:8081`).
    public static func labAdmin(base: String, timeout: Double = 5) -> HTTPScaleHook {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return HTTPScaleHook(urlTemplate: "\(trimmed)/admin/instances?count={replicas}", method: "POST", sendsJSON: false,
                             headers: [:], timeout: timeout, name: "lab-admin")
    }

    /// Creates a hook.
    public init(urlTemplate: String, method: String, sendsJSON: Bool, headers: [String: String], timeout: Double, name: String) {
        self.urlTemplate = urlTemplate
        self.method = method
        self.sendsJSON = sendsJSON
        self.headers = headers
        self.timeout = timeout
        self.name = name
    }

    /// The JSON body for `decision`.
    public static func body(for decision: ScaleDecision) -> Data {
        var object: [String: Any] = [
            "replicas": decision.desiredReplicas, "current": decision.currentReplicas, "policy": decision.policy,
            "reason": decision.reason, "time": decision.time,
        ]
        var inputs: [String: Double] = [:]
        for input in decision.inputs where input.value.isFinite { inputs[input.name] = input.value }
        object["inputs"] = inputs
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    public func apply(_ decision: ScaleDecision) async throws {
        let rendered = ScaleTemplate.render(urlTemplate, decision)
        guard let url = URL(string: rendered), url.scheme == "http" || url.scheme == "https" else {
            throw ScaleHookError(hook: name, message: "not an http(s) URL: \(rendered)")
        }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = method
        for (field, value) in headers { request.setValue(value, forHTTPHeaderField: field) }
        if sendsJSON {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Self.body(for: decision)
        }
        let response: URLResponse
        do {
            (_, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw ScaleHookError(hook: name, message: "request to \(url.host ?? rendered) failed: \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw ScaleHookError(hook: name, message: "HTTP \(status) from \(url.host ?? rendered)")
        }
    }
}
