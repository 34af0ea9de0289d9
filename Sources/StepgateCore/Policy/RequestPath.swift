/// A request path made safe to match, or the reason it is refused.
///
/// Nothing is percent-decoded. What an origin server might read differently from us is refused,
/// so that no spelling of a protected path slips past its action:
/// - a path not starting with `/`, or holding `#`, `\`, a space, a control or non-ASCII byte;
/// - an empty segment (`//`), a `.` or `..` segment;
/// - `;` (servlet containers drop `;params` from a segment);
/// - `%` not followed by two hex digits; an encoded `/`, `\`, control byte, or an encoded
///   unreserved character (`%2E`, `%61`): a client never needs to encode those.
///
/// Forgiven, because they meet the same action: a single trailing `/` (dropped) and ASCII case
/// in literal segments (matching folds case). Refused requests are denied by `Policy`.
public enum RequestPath {
    /// Why a path is refused.
    public enum Refusal: String, Error, Sendable, Hashable {
        case notAbsolute = "not_absolute"
        case emptySegment = "empty_segment"
        case dotSegment = "dot_segment"
        case pathParameter = "path_parameter"
        case badEscape = "bad_escape"
        case forbiddenEscape = "forbidden_escape"
        case forbiddenByte = "forbidden_byte"
    }

    /// The segments of `path` (without its query), ASCII-lowercased, or the refusal.
    public static func segments(_ path: Substring) -> Result<[String], Refusal> {
        let bytes = path.utf8
        guard bytes.first == UInt8(ascii: "/") else { return .failure(.notAbsolute) }
        if bytes.count == 1 { return .success([]) }
        var body = path.dropFirst()
        if body.utf8.last == UInt8(ascii: "/") { body = body.dropLast() }
        var segments: [String] = []
        for part in body.split(separator: "/", omittingEmptySubsequences: false) {
            if let refusal = check(part) { return .failure(refusal) }
            segments.append(lowercasedASCII(part))
        }
        return .success(segments)
    }

    /// The refusal a segment earns, if any.
    private static func check(_ segment: Substring) -> Refusal? {
        if segment.isEmpty { return .emptySegment }
        if segment == "." || segment == ".." { return .dotSegment }
        let bytes = Array(segment.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2])
                else { return .badEscape }
                let decoded = high << 4 | low
                if decoded < 0x20 || decoded == 0x7F || decoded == UInt8(ascii: "/") || decoded == UInt8(ascii: "\\")
                    || isUnreserved(decoded)
                {
                    return .forbiddenEscape
                }
                index += 3
                continue
            }
            if byte == UInt8(ascii: ";") { return .pathParameter }
            guard isUnreserved(byte) || "!$&'()*+,=:@".utf8.contains(byte) else { return .forbiddenByte }
            index += 1
        }
        return nil
    }

    private static func lowercasedASCII(_ segment: Substring) -> String {
        guard segment.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            return String(segment)
        }
        return String(decoding: segment.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// The host of a `Host` header or URL authority: lowercased, without port or final dots.
    ///
    /// The port is everything from the first `:` outside brackets, as nginx and
    /// `ForwardedRequest` read it. Normalising a normalised host changes nothing, so a policy's
    /// host (normalised at load) is one that request hosts normalise to.
    public static func normalizedHost(_ host: String) -> String {
        var text = Substring(host)
        if text.hasPrefix("[") {
            if let close = text.firstIndex(of: "]") { text = text[...close] }
        } else if let colon = text.firstIndex(of: ":") {
            text = text[..<colon]
        }
        while text.hasSuffix(".") { text = text.dropLast() }
        return lowercasedASCII(text)
    }

    /// Whether `host` is a host name or IPv4 address, or an IPv6 address in brackets, with an
    /// optional `:PORT` of digits: the spellings `normalizedHost` reads without losing a part.
    static func isHostWithOptionalPort(_ host: String) -> Bool {
        let bytes = Array(host.utf8)
        let end: Int
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), close > 1,
                bytes[1..<close].allSatisfy({ hex($0) != nil || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
            else { return false }
            end = close + 1
        } else {
            end = bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.count
            let name = bytes[..<end]
            guard name.contains(where: { $0 != UInt8(ascii: ".") }),
                name.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
            else { return false }
        }
        let port = bytes[end...]
        return port.isEmpty
            || (port.first == UInt8(ascii: ":") && port.count > 1 && port.dropFirst().allSatisfy(isDigit))
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// RFC 3986 §2.3 unreserved: letters, digits, `-._~`.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "~")
    }
}
