import Foundation
import StepgateHTTP

/// The URL and form text the probe builds and reads.
public enum URLText {
    /// `text` percent-encoded for a query or form value: RFC 3986 unreserved characters kept.
    public static func percentEncode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            let unreserved = byte == UInt8(ascii: ".") || byte == UInt8(ascii: "~")
            if unreserved || Redactor.isBase64URL(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `application/x-www-form-urlencoded` text of `fields`, in order.
    public static func formEncode(_ fields: [(String, String)]) -> String {
        fields.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }

    /// `base` with `fields` appended to its query.
    public static func appendingQuery(_ base: String, _ fields: [(String, String)]) -> String {
        guard !fields.isEmpty else { return base }
        return base + (base.contains("?") ? "&" : "?") + formEncode(fields)
    }

    /// The decoded query parameters of `url`, in order; empty when it has none or they are malformed.
    public static func queryItems(_ url: String) -> [(String, String)] {
        guard let components = URLComponents(string: url),
            let query = components.percentEncodedQuery,
            let form = try? FormData.parse(query: query)
        else { return [] }
        return form.fields
    }

    /// The first value of query parameter `name` in `url`.
    public static func query(_ url: String, _ name: String) -> String? {
        queryItems(url).first { $0.0 == name }?.1
    }

    /// `location` resolved against the URL it was received from.
    public static func resolve(_ location: String, against base: String) -> String {
        guard let baseURL = URL(string: base),
            let resolved = URL(string: location, relativeTo: baseURL)
        else {
            return location
        }
        return resolved.absoluteString
    }

    /// `scheme://host[:port]` of `url`, lower case; nil for a URL without a host.
    public static func origin(_ url: String) -> String? {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased()
        else { return nil }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// The path of `url` (`/` when empty).
    public static func path(_ url: String) -> String {
        let path = URLComponents(string: url)?.path ?? ""
        return path.isEmpty ? "/" : path
    }
}
