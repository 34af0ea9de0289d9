// Public: cookies are stored for a `URL` and expire at a `Date`.
public import Foundation

/// The cookies of one client, as RFC 6265 §5 stores and sends them, enough for the providers
/// a probe meets: host-only and `Domain` cookies, `Path`, `Max-Age` and `Expires`, `Secure`
/// (sent over https, and to loopback hosts as browsers do). `SameSite` is not applied: every
/// request the probe makes is first-party.
public struct CookieJar: Sendable {
    /// One stored cookie.
    public struct Cookie: Sendable, Equatable {
        public var name: String
        public var value: String
        /// Lower-case host (host-only) or domain.
        public var domain: String
        public var hostOnly: Bool
        public var path: String
        public var secure: Bool
        public var expires: Date?
    }

    /// Most cookies kept; the oldest go first.
    public static let maxCookies = 128

    public private(set) var cookies: [Cookie] = []

    public init() {}

    /// Stores (or removes) the cookie of one `Set-Cookie` value received for `url` at `now`.
    public mutating func receive(_ header: String, from url: URL, now: Date) {
        guard let host = url.host?.lowercased() else { return }
        let parts = header.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingSpaces
        }
        guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { return }
        let name = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return }
        var cookie = Cookie(
            name: name,
            value: String(pair[pair.index(after: equals)...]),
            domain: host,
            hostOnly: true,
            path: Self.defaultPath(url.path),
            secure: false,
            expires: nil
        )
        var maxAge: Int?
        for attribute in parts.dropFirst() {
            let pieces = attribute.split(separator: "=", maxSplits: 1).map {
                String($0).trimmingCharacters(in: .whitespaces)
            }
            let value = pieces.count > 1 ? pieces[1] : ""
            switch pieces[0].lowercased() {
            case "domain":
                let domain = value.lowercased().drop(while: { $0 == "." })
                guard !domain.isEmpty else { continue }
                guard host == domain || host.hasSuffix("." + domain) else { return }
                cookie.domain = String(domain)
                cookie.hostOnly = false
            case "path" where value.hasPrefix("/"):
                cookie.path = value
            case "secure":
                cookie.secure = true
            case "max-age":
                maxAge = Int(value)
            case "expires":
                cookie.expires = Self.httpDate(value)
            default:
                break
            }
        }
        if let maxAge { cookie.expires = now.addingTimeInterval(TimeInterval(maxAge)) }
        cookies.removeAll {
            $0.name == cookie.name && $0.domain == cookie.domain && $0.path == cookie.path
        }
        if let expires = cookie.expires, expires <= now { return }
        cookies.append(cookie)
        if cookies.count > Self.maxCookies { cookies.removeFirst(cookies.count - Self.maxCookies) }
    }

    /// The `Cookie` header value for a request to `url` at `now`; nil when no cookie applies.
    public func header(for url: URL, now: Date) -> String? {
        guard let host = url.host?.lowercased() else { return nil }
        let path = url.path.isEmpty ? "/" : url.path
        let secureChannel =
            url.scheme?.lowercased() == "https" || ["localhost", "127.0.0.1", "::1"].contains(host)
        let matching = cookies.filter { cookie in
            let domainMatches =
                cookie.hostOnly
                ? host == cookie.domain
                : host == cookie.domain || host.hasSuffix("." + cookie.domain)
            let pathMatches =
                path == cookie.path
                || path.hasPrefix(cookie.path.hasSuffix("/") ? cookie.path : cookie.path + "/")
            let live = cookie.expires.map { $0 > now } ?? true
            return domainMatches && pathMatches && live && (!cookie.secure || secureChannel)
        }
        guard !matching.isEmpty else { return nil }
        return matching.sorted { $0.path.count > $1.path.count }.map { "\($0.name)=\($0.value)" }
            .joined(
                separator: "; "
            )
    }

    /// The value of the cookie `name`, whatever its domain and path; nil when absent.
    public func value(named name: String) -> String? {
        cookies.last { $0.name == name }?.value
    }

    /// RFC 6265 §5.1.4: the request path up to, not including, its last `/`; `/` at least.
    static func defaultPath(_ path: String) -> String {
        guard path.hasPrefix("/"), let slash = path.lastIndex(of: "/"), slash != path.startIndex
        else { return "/" }
        return String(path[..<slash])
    }

    /// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); nil for anything else.
    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
