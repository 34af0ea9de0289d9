/// The path part of a policy action: `/api/transfers`, `/api/payees/{id}`, `/api/statements/*`.
///
/// Literal segments hold letters, digits and `-._~!$&'()+,=:@` (no `%`, no `;`) and match
/// without regard to ASCII case. `{name}` matches any one segment. A final `*` matches the
/// path before it and anything below it. No empty segments, no `.` or `..`, no trailing `/`.
public struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    /// One segment between slashes.
    public enum Segment: Sendable, Hashable {
        /// Matches this text, lowercased at load.
        case literal(String)
        /// Matches any one segment; the name is for readers only.
        case parameter(String)
    }

    /// The segments before any final `*`.
    public let segments: [Segment]
    /// Whether the pattern ends in `/*`.
    public let isPrefix: Bool
    /// The pattern as written.
    public let description: String

    /// The same shape whatever the parameter names and letter case: two actions with equal
    /// method, host and shape would match the same requests.
    public var shape: String {
        let parts = segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .parameter: "{}"
            }
        }
        return "/" + (parts + (isPrefix ? ["*"] : [])).joined(separator: "/")
    }

    /// The pattern `text`; throws a problem saying what was expected.
    public init(_ text: String) throws(PathPatternError) {
        guard text.hasPrefix("/") else { throw PathPatternError("expected a path starting with '/'") }
        var segments: [Segment] = []
        var isPrefix = false
        let parts = text == "/" ? [] : text.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (index, part) in parts.enumerated() {
            if part == "*" {
                guard index == parts.count - 1 else { throw PathPatternError("expected '*' only as the last segment") }
                isPrefix = true
            } else if part.hasPrefix("{") {
                let name = part.dropFirst().dropLast()
                guard part.hasSuffix("}"), !name.isEmpty, name.utf8.allSatisfy(Self.isNameByte) else {
                    throw PathPatternError("expected a parameter like {id} (letters, digits, '_')")
                }
                segments.append(.parameter(String(name)))
            } else {
                if part.isEmpty {
                    throw PathPatternError("expected no empty segment ('//' or a trailing '/')")
                }
                guard part != ".", part != "..", part.utf8.allSatisfy(Self.isLiteralByte) else {
                    throw PathPatternError(
                        "expected segments of letters, digits and -._~!$&'()+,=:@, a {parameter} or a final *"
                    )
                }
                segments.append(.literal(String(part).lowercased()))
            }
        }
        self.segments = segments
        self.isPrefix = isPrefix
        self.description = text
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        RequestPath.isAlphanumeric(byte) || byte == UInt8(ascii: "_")
    }

    private static func isLiteralByte(_ byte: UInt8) -> Bool {
        RequestPath.isUnreserved(byte) || "!$&'()+,=:@".utf8.contains(byte)
    }
}

/// Why a path pattern was refused; `message` says what was expected.
public struct PathPatternError: Error, Sendable, Hashable {
    public let message: String

    init(_ message: String) { self.message = message }
}
