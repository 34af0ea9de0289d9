/// A `Set-Cookie` response header, validated when built.
///
/// Defaults are the safe ones: `Path=/`, `HttpOnly`, `Secure`, `SameSite=Lax`, a session cookie.
public struct SetCookie: Sendable, Equatable {
    /// The `SameSite` attribute.
    public enum SameSite: String, Sendable {
        case lax = "Lax"
        case strict = "Strict"
        /// Needs `secure`; browsers drop `SameSite=None` cookies without it.
        case none = "None"
    }

    public let name: String
    public let value: String
    public let path: String
    /// Lifetime in seconds; nil makes a session cookie, 0 or less deletes the cookie.
    public let maxAge: Int?
    public let httpOnly: Bool
    public let secure: Bool
    public let sameSite: SameSite

    /// Validates and builds a cookie.
    ///
    /// - Throws: `CookieError` with `.invalidName` (not an RFC 9110 token), `.invalidValue` (not
    ///   RFC 6265 cookie-octets, optionally in double quotes), `.invalidPath`, or
    ///   `.invalidAttributes` (`SameSite=None`, `__Secure-` or `__Host-` without `Secure`, or a
    ///   `__Host-` cookie whose path is not `/`).
    public init(
        name: String,
        value: String,
        path: String = "/",
        maxAge: Int? = nil,
        httpOnly: Bool = true,
        secure: Bool = true,
        sameSite: SameSite = .lax
    ) throws(CookieError) {
        guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else { throw CookieError(.invalidName) }
        guard Self.isValidValue(value) else { throw CookieError(.invalidValue) }
        let isPathByte: (UInt8) -> Bool = { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ";") }
        guard !path.isEmpty, path.utf8.allSatisfy(isPathByte) else { throw CookieError(.invalidPath) }
        if sameSite == .none && !secure { throw CookieError(.invalidAttributes, "SameSite=None needs Secure") }
        if name.hasPrefix("__Secure-") && !secure { throw CookieError(.invalidAttributes, "prefix needs Secure") }
        if name.hasPrefix("__Host-") && (!secure || path != "/") {
            throw CookieError(.invalidAttributes, "__Host- needs Secure and Path=/")
        }
        self.name = name
        self.value = value
        self.path = path
        self.maxAge = maxAge
        self.httpOnly = httpOnly
        self.secure = secure
        self.sameSite = sameSite
    }

    /// A cookie that tells the browser to delete `name` at `path` (`Max-Age=0`, empty value).
    public static func removal(
        name: String,
        path: String = "/",
        secure: Bool = true
    ) throws(CookieError) -> SetCookie {
        try SetCookie(name: name, value: "", path: path, maxAge: 0, secure: secure)
    }

    /// The header value, such as `sid=abc; Path=/; Max-Age=600; HttpOnly; Secure; SameSite=Lax`.
    public var headerValue: String {
        var parts = ["\(name)=\(value)", "Path=\(path)"]
        if let maxAge { parts.append("Max-Age=\(max(maxAge, 0))") }
        if httpOnly { parts.append("HttpOnly") }
        if secure { parts.append("Secure") }
        parts.append("SameSite=\(sameSite.rawValue)")
        return parts.joined(separator: "; ")
    }

    /// RFC 9110 §5.6.2 tchar.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// RFC 6265 §4.1.1 cookie-value: cookie-octets, optionally wrapped in one pair of quotes.
    private static func isValidValue(_ value: String) -> Bool {
        var bytes = Array(value.utf8)
        if bytes.count >= 2 && bytes.first == UInt8(ascii: "\"") && bytes.last == UInt8(ascii: "\"") {
            bytes = Array(bytes.dropFirst().dropLast())
        }
        return bytes.allSatisfy { byte in
            byte == 0x21 || (0x23...0x2B).contains(byte) || (0x2D...0x3A).contains(byte)
                || (0x3C...0x5B).contains(byte) || (0x5D...0x7E).contains(byte)
        }
    }
}
