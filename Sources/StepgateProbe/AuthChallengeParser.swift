/// Parses `WWW-Authenticate` values (RFC 9110 §11.6.1, §11.2 auth-params, §5.6 tokens and
/// quoted strings), several challenges per value included. The header comes from the target:
/// every index is checked and sizes are bounded.
public enum AuthChallengeParser {
    /// Longest header value parsed.
    public static let maxLength = 8 * 1024
    /// Most challenges per value, and most parameters per challenge.
    public static let maxItems = 32

    /// The challenges of `header`; empty when it is malformed or over the limits.
    public static func parse(_ header: String) -> [AuthChallenge] {
        (try? parseStrictly(header)) ?? []
    }

    /// The challenges of `header`.
    ///
    /// - Throws: `AuthChallengeError` at the first syntax error or limit exceeded.
    public static func parseStrictly(_ header: String) throws(AuthChallengeError) -> [AuthChallenge] {
        let bytes = Array(header.utf8)
        guard bytes.count <= maxLength else {
            throw AuthChallengeError("longer than \(maxLength) bytes")
        }
        var cursor = Cursor(bytes)
        var challenges: [AuthChallenge] = []
        cursor.skipListSeparators()
        while !cursor.atEnd {
            guard challenges.count < maxItems else {
                throw AuthChallengeError("too many challenges")
            }
            challenges.append(try challenge(&cursor))
            cursor.skipListSeparators()
        }
        return challenges
    }

    private static func challenge(_ cursor: inout Cursor) throws(AuthChallengeError)
        -> AuthChallenge
    {
        guard let scheme = cursor.token() else {
            throw AuthChallengeError("expected an auth-scheme")
        }
        var challenge = AuthChallenge(scheme: scheme)
        let afterScheme = cursor.position
        cursor.skipSpaces()
        if cursor.atEnd || cursor.peek == UInt8(ascii: ",") { return challenge }
        guard cursor.position > afterScheme else {
            throw AuthChallengeError("expected a space after the scheme")
        }
        guard cursor.isParameterStart else {
            challenge.token68 = try token68(&cursor)
            return challenge
        }
        while true {
            guard challenge.parameters.count < maxItems else {
                throw AuthChallengeError("too many parameters")
            }
            challenge.parameters.append(try parameter(&cursor))
            cursor.skipSpaces()
            if cursor.atEnd { return challenge }
            guard cursor.peek == UInt8(ascii: ",") else {
                throw AuthChallengeError("expected a comma")
            }
            let separator = cursor.position
            cursor.skipListSeparators()
            if cursor.atEnd { return challenge }
            guard cursor.isParameterStart else {
                // The next element starts another challenge; leave the comma for the caller.
                cursor.position = separator
                return challenge
            }
        }
    }

    private static func parameter(_ cursor: inout Cursor) throws(AuthChallengeError)
        -> AuthChallenge.Parameter
    {
        guard let name = cursor.token() else {
            throw AuthChallengeError("expected a parameter name")
        }
        cursor.skipSpaces()
        guard cursor.take(UInt8(ascii: "=")) else { throw AuthChallengeError("expected =") }
        cursor.skipSpaces()
        let value: String
        if cursor.peek == UInt8(ascii: "\"") {
            value = try cursor.quotedString()
        } else if let token = cursor.token() {
            value = token
        } else {
            throw AuthChallengeError("expected a token or quoted string")
        }
        return AuthChallenge.Parameter(name: name.lowercased(), value: value)
    }

    private static func token68(_ cursor: inout Cursor) throws(AuthChallengeError) -> String {
        let start = cursor.position
        while let byte = cursor.peek, Cursor.isToken68(byte) { cursor.position += 1 }
        guard cursor.position > start else {
            throw AuthChallengeError("expected token68 or parameters")
        }
        while cursor.peek == UInt8(ascii: "=") { cursor.position += 1 }
        let text = cursor.text(from: start)
        cursor.skipSpaces()
        guard cursor.atEnd || cursor.peek == UInt8(ascii: ",") else {
            throw AuthChallengeError("text after token68")
        }
        return text
    }
}

/// A position in the bytes of one header value.
private struct Cursor {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var atEnd: Bool { position >= bytes.count }
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        position += 1
        return true
    }

    mutating func skipSpaces() {
        while let byte = peek, byte == 0x20 || byte == 0x09 { position += 1 }
    }

    mutating func skipListSeparators() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == UInt8(ascii: ",") {
            position += 1
        }
    }

    mutating func token() -> String? {
        let start = position
        while let byte = peek, Self.isTokenByte(byte) { position += 1 }
        return position > start ? text(from: start) : nil
    }

    /// Whether an auth-param starts here: a token, optional spaces, `=`, optional spaces, and a
    /// token or a quoted string (so `abc=` at the end is a token68, not a parameter).
    var isParameterStart: Bool {
        var probe = self
        guard probe.token() != nil else { return false }
        probe.skipSpaces()
        guard probe.take(UInt8(ascii: "=")) else { return false }
        probe.skipSpaces()
        guard let next = probe.peek else { return false }
        return next == UInt8(ascii: "\"") || Self.isTokenByte(next)
    }

    mutating func quotedString() throws(AuthChallengeError) -> String {
        position += 1
        var out: [UInt8] = []
        while let byte = peek {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek, escaped == 0x09 || escaped >= 0x20, escaped != 0x7F else {
                    throw AuthChallengeError("bad quoted-pair")
                }
                out.append(escaped)
                position += 1
            case 0x09, 0x20...0x7E, 0x80...0xFF:
                out.append(byte)
            default:
                throw AuthChallengeError("control character in a quoted string")
            }
        }
        throw AuthChallengeError("unterminated quoted string")
    }

    func text(from start: Int) -> String {
        String(decoding: bytes[start..<position], as: UTF8.self)
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    static func isToken68(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("-._~+/".utf8).contains(byte)
        }
    }
}
