// Public: JSON bodies are built from `JSONValue`s.
public import StepgateCrypto

/// Malformed request bodies for the `payload.*` cases, each built from a well-formed one so
/// that exactly one thing is wrong with it. Pure, so each shape is checked in unit tests.
public enum MalformedBody {
    /// A body over any sane limit: 2 MiB.
    public static let oversizedLength = 2 << 20
    /// A header value over any sane limit: 64 KiB and 1 byte more.
    public static let oversizedHeaderLength = (64 << 10) + 1

    /// `value` serialised and cut in the middle: never valid JSON, since the object's closing
    /// brace is gone.
    public static func truncatedJSON(_ value: JSONValue) -> [UInt8] {
        let bytes = value.serialized()
        return Array(bytes.prefix(max(bytes.count / 2, 1)))
    }

    /// `fields` form-encoded and cut inside the last percent escape (after `%` and one hex
    /// digit). When no value needs an escape, ` !` is added to the last value to make one.
    public static func truncatedForm(_ fields: [(String, String)]) -> [UInt8] {
        var fields = fields
        var text = URLText.formEncode(fields)
        if !text.contains("%"), let last = fields.indices.last {
            fields[last].1 += "!"
            text = URLText.formEncode(fields)
        }
        let bytes = Array(text.utf8)
        guard let percent = bytes.lastIndex(of: UInt8(ascii: "%")) else { return bytes }
        return Array(bytes[...min(percent + 1, bytes.count - 1)])
    }

    /// `fields` form-encoded with every field sent twice (the second time with `other` as
    /// its value when given), which RFC 6749 §3.1-§3.2 forbids.
    public static func duplicatedForm(_ fields: [(String, String)], other: String? = nil) -> [UInt8] {
        let twice = fields + fields.map { ($0.0, other ?? $0.1) }
        return Array(URLText.formEncode(twice).utf8)
    }

    /// A form body of `length` bytes: one field `padding` of letters.
    public static func oversizedForm(length: Int = oversizedLength) -> [UInt8] {
        let prefix = Array("padding=".utf8)
        return prefix + [UInt8](repeating: UInt8(ascii: "a"), count: max(length - prefix.count, 0))
    }

    /// A JSON body of `length` bytes: an object with one string member `padding`.
    public static func oversizedJSON(length: Int = oversizedLength) -> [UInt8] {
        let open = Array("{\"padding\":\"".utf8)
        let close = Array("\"}".utf8)
        let fill = max(length - open.count - close.count, 0)
        return open + [UInt8](repeating: UInt8(ascii: "a"), count: fill) + close
    }

    /// A JSON body nested `depth` levels deep (`depth` bytes of `[` or `{"a":`, then the
    /// closers): valid JSON, small enough for any body limit, deep enough to exhaust the stack
    /// of a recursive parser without a depth limit.
    public static func deeplyNestedJSON(depth: Int = 10_000, objects: Bool = false) -> [UInt8] {
        let open = Array((objects ? "{\"a\":" : "[").utf8)
        let close = Array((objects ? "}" : "]").utf8)
        var body: [UInt8] = []
        body.reserveCapacity(depth * (open.count + close.count) + 1)
        for _ in 0..<depth { body += open }
        body += Array("1".utf8)
        for _ in 0..<depth { body += close }
        return body
    }

    /// Base64url texts that are not canonical unpadded base64url (RFC 7515 §2), with a label
    /// each: characters outside the alphabet, `=` padding, the standard alphabet's `+` and
    /// `/`, and a length that no byte string encodes to (1 modulo 4).
    public static let badBase64URL: [(label: String, text: String)] = [
        ("characters outside the alphabet", "!!not*base64url!!"),
        ("padding", "AAAA=="),
        ("the standard alphabet", "ab+/ab+/"),
        ("an impossible length", "AAAAA"),
    ]

    /// A compact JWS whose `segment` (0 header, 1 payload, 2 signature) is `bad` and whose
    /// other segments are canonical: a JOSE header and an empty claim set, no valid signature.
    public static func jwt(badSegment segment: Int, _ bad: String) -> String {
        var parts = [
            Base64URL.encode(Array(#"{"alg":"ES256","typ":"at+jwt","kid":"probe"}"#.utf8)),
            Base64URL.encode(Array("{}".utf8)),
            Base64URL.encode([UInt8](repeating: 0, count: 64)),
        ]
        parts[min(max(segment, 0), 2)] = bad
        return parts.joined(separator: ".")
    }
}
