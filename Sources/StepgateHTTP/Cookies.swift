/// Parses the `Cookie` request header (RFC 6265 §5.4 cookie-string).
public enum Cookies {
    /// The most pairs read from one header; later pairs are ignored.
    public static let maximumCount = 128

    /// Name-value pairs of `header`; a name that appears twice keeps its first value.
    ///
    /// Pairs are split on `;`, spaces and tabs around them are trimmed, one pair of surrounding
    /// double quotes is removed from a value, and pairs without `=` or with an empty name are
    /// skipped. A duplicate is ambiguous (a subdomain or path can plant a second cookie of the
    /// same name): where that matters, use `parseStrict(header:)`.
    public static func parse(header: String) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in pairs(header) where result[name] == nil {
            result[name] = value
        }
        return result
    }

    /// Like `parse(header:)`, but a name that appears twice is an error.
    ///
    /// - Throws: `CookieError(.duplicateName)`.
    public static func parseStrict(header: String) throws(CookieError) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in pairs(header) {
            guard result[name] == nil else { throw CookieError(.duplicateName) }
            result[name] = value
        }
        return result
    }

    private static func pairs(_ header: String) -> [(String, String)] {
        if header.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) { return asciiPairs(Array(header.utf8)) }
        var found: [(String, String)] = []
        for piece in header.split(separator: ";", omittingEmptySubsequences: true) {
            guard found.count < maximumCount else { break }
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = trim(piece[piece.startIndex..<equals])
            guard !name.isEmpty else { continue }
            var value = trim(piece[piece.index(after: equals)...])
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
                value = value.dropFirst().dropLast()
            }
            found.append((String(name), String(value)))
        }
        return found
    }

    /// `pairs` by bytes, for a header of ASCII without CR: there every character is one byte
    /// (CR LF is the only ASCII pair Swift reads as one character), so the rules give the same
    /// pairs without walking characters.
    private static func asciiPairs(_ bytes: [UInt8]) -> [(String, String)] {
        var found: [(String, String)] = []
        for piece in bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: true) {
            guard found.count < maximumCount else { break }
            guard let equals = piece.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = trim(piece[piece.startIndex..<equals])
            guard !name.isEmpty else { continue }
            var value = trim(piece[(equals + 1)...])
            if value.count >= 2 && value.first == UInt8(ascii: "\"") && value.last == UInt8(ascii: "\"") {
                value = value.dropFirst().dropLast()
            }
            found.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return found
    }

    private static func trim(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = text.firstIndex(where: { !isBlank($0) }),
            let last = text.lastIndex(where: { !isBlank($0) })
        else { return [] }
        return text[first...last]
    }

    private static func trim(_ text: Substring) -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isBlank($0) }),
            let last = text.lastIndex(where: { !isBlank($0) })
        else { return "" }
        return text[first...last]
    }
}
