import Testing

/// A small well-formedness check for the HTML report, which is written to be well-formed XML:
/// every element closed in order (or self-closed), attributes quoted, no raw `<` in text or
/// attribute values, and every `&` the start of a known or numeric character reference. It
/// catches an unclosed SVG element as much as an unescaped byte of evidence. (Foundation's
/// XMLParser on Linux was tried first: it accepted mismatched end tags.)
enum XMLCheck {
    /// The first problem in `text`, or nil when it is well-formed.
    static func problem(_ text: String) -> String? {
        var scanner = Substring(text)
        var open: [Substring] = []
        while let lt = scanner.firstIndex(of: "<") {
            if let bad = referenceProblem(scanner[..<lt]) { return bad }
            scanner = scanner[lt...]
            if scanner.hasPrefix("<!--") {
                guard let end = scanner.range(of: "-->") else { return "an unclosed comment" }
                scanner = scanner[end.upperBound...]
                continue
            }
            guard let gt = tagEnd(scanner) else { return "an unclosed tag near \(scanner.prefix(40))" }
            let tag = scanner[scanner.index(after: scanner.startIndex)..<gt]
            scanner = scanner[scanner.index(after: gt)...]
            if tag.hasPrefix("!") || tag.hasPrefix("?") { continue }
            if tag.hasPrefix("/") {
                let name = tag.dropFirst().trimmingSuffixSpaces()
                guard open.popLast() == name else { return "</\(name)> does not close the open element" }
                continue
            }
            let selfClosing = tag.hasSuffix("/")
            let body = selfClosing ? tag.dropLast() : tag
            let name = body.prefix { !" \n\t".contains($0) }
            guard !name.isEmpty else { return "a tag without a name" }
            if let bad = attributeProblem(body.dropFirst(name.count)) { return "<\(name)>: \(bad)" }
            if !selfClosing { open.append(name) }
        }
        if let bad = referenceProblem(scanner) { return bad }
        return open.isEmpty ? nil : "unclosed <\(open.joined(separator: "> <"))>"
    }

    static func isWellFormed(_ text: String) -> Bool {
        problem(text) == nil
    }

    static func expectWellFormed(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let found = problem(text)
        #expect(found == nil, "not well-formed: \(found ?? "")", sourceLocation: sourceLocation)
    }

    /// The `>` ending the tag at the start of `text`, skipping quoted attribute values.
    private static func tagEnd(_ text: Substring) -> Substring.Index? {
        var quote: Character?
        for index in text.indices.dropFirst() {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == ">" {
                return index
            } else if character == "<" {
                return nil
            }
        }
        return nil
    }

    /// Attributes as `name="value"` or `name='value'`, values without `<` and with valid references.
    private static func attributeProblem(_ text: Substring) -> String? {
        var rest = text.drop { " \n\t".contains($0) }
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { return "an attribute without a value" }
            let name = rest[..<equals]
            guard !name.isEmpty, !name.contains(" ") else { return "a malformed attribute name" }
            rest = rest[rest.index(after: equals)...]
            guard let quote = rest.first, quote == "\"" || quote == "'" else { return "\(name) is not quoted" }
            rest = rest.dropFirst()
            guard let close = rest.firstIndex(of: quote) else { return "\(name) is not closed" }
            let value = rest[..<close]
            if value.contains("<") { return "\(name) holds <" }
            if let bad = referenceProblem(value) { return bad }
            rest = rest[rest.index(after: close)...].drop { " \n\t".contains($0) }
        }
        return nil
    }

    /// Every `&` in `text` starts `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` or `&#N;`/`&#xN;`.
    private static func referenceProblem(_ text: Substring) -> String? {
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            rest = rest[rest.index(after: amp)...]
            guard let semicolon = rest.prefix(10).firstIndex(of: ";") else { return "a bare &" }
            let name = rest[..<semicolon]
            let known = ["amp", "lt", "gt", "quot", "apos"].contains(name)
            let decimal = name.hasPrefix("#") && name.dropFirst().allSatisfy(\.isNumber) && name.count > 1
            let hex = name.hasPrefix("#x") && name.dropFirst(2).allSatisfy(\.isHexDigit) && name.count > 2
            guard known || decimal || hex else { return "an unknown reference &\(name);" }
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingSuffixSpaces() -> Substring {
        var text = self
        while let last = text.last, " \n\t".contains(last) { text = text.dropLast() }
        return text
    }
}
