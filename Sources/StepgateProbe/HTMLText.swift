/// Character references and visible text of HTML fragments (HTML Living Standard §13.2.5.72,
/// the common subset: the five XML entities, `&nbsp;`, and decimal or hex references).
enum HTMLText {
    /// `text` with character references replaced; unknown or malformed ones stay as written,
    /// and references to NUL, surrogates or values beyond Unicode become U+FFFD.
    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            rest = rest[amp...]
            guard let semicolon = rest.prefix(12).firstIndex(of: ";") else {
                out.append("&")
                rest = rest.dropFirst()
                continue
            }
            let name = rest[rest.index(after: rest.startIndex)..<semicolon]
            if let decoded = reference(name) {
                out += decoded
                rest = rest[rest.index(after: semicolon)...]
            } else {
                out.append("&")
                rest = rest.dropFirst()
            }
        }
        return out + rest
    }

    /// Tags removed, references decoded, runs of whitespace made one space, ends trimmed.
    static func visible(_ html: String) -> String {
        var stripped = ""
        var inTag = false
        for character in html {
            if character == "<" {
                inTag = true
            } else if character == ">" {
                inTag = false
                stripped.append(" ")
            } else if !inTag {
                stripped.append(character)
            }
        }
        return decode(stripped).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func reference(_ name: Substring) -> String? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return "\u{A0}"
        default: break
        }
        guard name.first == "#" else { return nil }
        let digits = name.dropFirst()
        let value: UInt32?
        if digits.first == "x" || digits.first == "X" {
            value = UInt32(digits.dropFirst(), radix: 16)
        } else {
            value = UInt32(digits, radix: 10)
        }
        guard let value, !digits.isEmpty else { return nil }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return String(Character(scalar))
    }
}
