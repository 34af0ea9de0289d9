// Public: `read` takes the `HTTPRequest` and the trusted proxies' networks.
public import StepgateCore
public import StepgateHTTP

/// The request a reverse proxy asks about, read from the headers the proxy forwards.
///
/// nginx `auth_request` sends `X-Original-Method` and `X-Original-URI` (set in its
/// configuration, see `examples/nginx.conf`); Traefik and Caddy forward-auth send
/// `X-Forwarded-Method` and `X-Forwarded-Uri`. Either pair is accepted, nginx's first. The
/// client's address comes from `X-Real-IP` or `X-Forwarded-For` only when the connection's peer
/// is a trusted proxy (`http.trusted_proxies`; see `clientIP`). The decision endpoint refuses
/// callers that are not trusted proxies before it reads any of this.
///
/// Public only for the fuzz target in `Fuzz/` (`FuzzForwarded`), which links the library product.
public struct ForwardedRequest: Sendable, Equatable {
    public var method: String
    /// The path of the original URI, not decoded.
    public var path: String
    /// The query of the original URI without `?`; empty when there is none.
    public var query: String
    /// The host the client asked for, lowercased, without a port; nil when not forwarded.
    public var host: String?
    public var clientIP: String?
    public var userAgent: String
    public var acceptLanguage: String
    /// A browser navigation (`Accept` names `text/html`) gets a redirect to the step-up page;
    /// anything else gets the RFC 9470 challenge.
    public var wantsHTML: Bool
    /// The original body, when the caller sent it along (an application asking for itself, or a
    /// proxy that forwards bodies); nginx `auth_request` never does.
    public var body: [UInt8]
    public var contentType: String?
    /// The page that sent the request, for the way back after a step-up of a `POST`.
    public var referer: String?

    /// Why the forwarded headers do not describe a request.
    public enum Problem: Error, Equatable {
        case missingMethod
        case missingURI
        case malformedMethod
        case malformedURI
    }

    /// The longest original URI accepted, in bytes.
    static let maximumURILength = 8_192

    /// The request described by `request`'s forwarded headers; throws which one is missing or
    /// malformed. The client address is read as `clientIP` reads it for `trustedProxies`.
    public static func read(
        _ request: HTTPRequest,
        trustedProxies: [IPNetwork] = ForwardedRequest.loopback
    ) throws(Problem) -> ForwardedRequest {
        let headers = request.headers
        guard let method = headers["X-Original-Method"] ?? headers["X-Forwarded-Method"] else {
            throw .missingMethod
        }
        guard !method.isEmpty, method.utf8.count <= 16, method.utf8.allSatisfy({ (0x41...0x5A).contains($0) })
        else { throw .malformedMethod }
        guard let uri = headers["X-Original-URI"] ?? headers["X-Forwarded-Uri"] else { throw .missingURI }
        guard uri.utf8.first == UInt8(ascii: "/"), uri.utf8.count <= maximumURILength,
            uri.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { throw .malformedURI }
        let path: Substring
        let query: Substring
        if let mark = uri.firstIndex(of: "?") {
            path = uri[..<mark]
            query = uri[uri.index(after: mark)...]
        } else {
            path = Substring(uri)
            query = ""
        }
        // A fragment never reaches a server; one in the forwarded URI is a malformed request.
        // (The URI is visible ASCII, checked above, so a byte test finds every `#`.)
        guard !uri.utf8.contains(UInt8(ascii: "#")) else { throw .malformedURI }

        let accept = headers["Accept"] ?? ""
        return ForwardedRequest(
            method: method,
            path: String(path),
            query: String(query),
            host: (headers["X-Forwarded-Host"] ?? headers["Host"]).flatMap(Self.hostName),
            clientIP: Self.clientIP(headers, peer: request.remoteAddress, trustedProxies: trustedProxies),
            userAgent: headers["User-Agent"] ?? "",
            acceptLanguage: headers["Accept-Language"] ?? "",
            wantsHTML: Self.contains(accept, "text/html"),
            body: request.body,
            contentType: headers["Content-Type"],
            referer: headers["Referer"]
        )
    }

    /// Whether `text` contains the ASCII text `needle`, as Foundation's `contains` finds it; a
    /// byte search when `text` is ASCII too (every real `Accept` header), where the two agree.
    private static func contains(_ text: String, _ needle: String) -> Bool {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return text.contains(needle) }
        let bytes = Array(text.utf8)
        let wanted = Array(needle.utf8)
        guard bytes.count >= wanted.count else { return false }
        return (0...(bytes.count - wanted.count)).contains { start in
            wanted.indices.allSatisfy { bytes[start + $0] == wanted[$0] }
        }
    }

    /// `host[:port]` lowercased without the port; nil when it is not a plausible host name.
    public static func hostName(_ value: String) -> String? {
        if let ascii = asciiHostName(value) { return ascii.isEmpty ? nil : ascii }
        var host = Substring(value.lowercased())
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            host = host[...close]
        } else if let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        guard !host.isEmpty, host.utf8.count <= 253,
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-[]:".contains($0)) })
        else { return nil }
        return String(host)
    }

    /// `hostName` for an ASCII value, by bytes: the same rules, since lowercasing ASCII only maps
    /// `A`-`Z` and every ASCII letter and digit is one byte. Nil when `value` is not ASCII (the
    /// general path decides); "" when the host is not plausible.
    private static func asciiHostName(_ value: String) -> String? {
        guard value.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var host = Array(value.utf8).map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
        if host.first == UInt8(ascii: "[") {
            guard let close = host.firstIndex(of: UInt8(ascii: "]")) else { return "" }
            host = Array(host[...close])
        } else if let colon = host.firstIndex(of: UInt8(ascii: ":")) {
            host = Array(host[..<colon])
        }
        let allowed = Array(".-[]:".utf8)
        guard !host.isEmpty, host.count <= 253,
            host.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || allowed.contains($0) })
        else { return "" }
        return String(decoding: host, as: UTF8.self)
    }

    /// The loopback networks, `http.trusted_proxies`' default: a proxy on the same host.
    public static let loopback: [IPNetwork] = [
        IPNetwork(address: IPAddress(ipv4: 0x7F00_0000), prefixLength: 8)!,
        IPNetwork(address: IPAddress(ipv6: 1), prefixLength: 128)!,
    ]

    /// Whether the connection's peer may speak for the client: its address lies in one of
    /// `trustedProxies`. A request with no peer (in-process, never from a socket) is trusted; a
    /// peer address that does not parse is not.
    static func peerIsTrusted(_ peer: String?, trustedProxies: [IPNetwork]) -> Bool {
        guard let peer else { return true }
        guard let address = IPAddress(peer) else { return false }
        return trustedProxies.contains { $0.contains(address) }
    }

    /// The client's address as the decision endpoint and the rate limits see it.
    ///
    /// From a peer that is not a trusted proxy, the peer itself: whatever it says in headers is
    /// ignored, so a client reaching Stepgate directly cannot choose the address it is counted
    /// as. From a trusted proxy: `X-Real-IP`, else the `X-Forwarded-For` entry nearest to the
    /// end that is not itself a trusted proxy (each proxy appends the address it saw, so the
    /// entries left of the last untrusted one are the client's own claims), else the first
    /// entry when all are trusted, else the peer.
    static func clientIP(_ headers: HTTPHeaders, peer: String?, trustedProxies: [IPNetwork]) -> String? {
        guard peerIsTrusted(peer, trustedProxies: trustedProxies) else { return peer }
        if let real = headers["X-Real-IP"]?.trimmingWhitespace(), !real.isEmpty { return real }
        let chain = headers.values("X-Forwarded-For").flatMap { line in
            line.split(separator: ",").map { $0.trimmingWhitespace() }
        }
        for entry in chain.reversed() where !entry.isEmpty {
            guard let address = IPAddress(entry), trustedProxies.contains(where: { $0.contains(address) }) else {
                return entry
            }
        }
        if let first = chain.first(where: { !$0.isEmpty }) { return first }
        return peer
    }
}
