/// A parsed configuration file: `key = value` lines, `#` comments, `[section]` headers.
///
/// A value may be bare (`listen = 127.0.0.1:8080`) or double-quoted with `\"` and `\\` escapes.
/// Under `[section]`, a key `k` is read as `section.k`. Each entry keeps its line number so
/// problems can name where they are. Pure text in, entries out: the caller reads the file.
public struct ConfigFile: Sendable {
    /// One `key = value` line.
    public struct Entry: Sendable, Hashable {
        /// The full key: `section.k` under `[section]`, `k` at the top.
        public var key: String
        public var value: String
        public var line: Int
        /// The section the key was written under; empty at the top of the file.
        public var section: String = ""
    }

    /// One `[section]` header, in file order; a name may appear more than once.
    public struct Section: Sendable, Hashable {
        public var name: String
        public var line: Int
    }

    public private(set) var entries: [Entry] = []
    public private(set) var sections: [Section] = []

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Parses `text`; every malformed line becomes one problem, and parsing goes on.
    ///
    /// A key set twice is a problem, unless its name within its section is in `repeatable`
    /// (for example `rule`, which a policy action lists once per rule); then every occurrence
    /// is an entry, in file order.
    public static func parse(_ text: String, repeatable: Set<String> = []) -> (file: ConfigFile, problems: [String]) {
        var file = ConfigFile()
        var problems: [String] = []
        var section = ""
        var seen: [String: Int] = [:]
        // Split on the scalar U+000A, not the `Character` "\n": "\r\n" is one `Character`, so a
        // file with CRLF line ends would otherwise be one line (FuzzConfig checks that no value spans lines).
        for (index, raw) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = Substring(raw).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    problems.append("line \(number): expected a section header like [levels.aal2]")
                    continue
                }
                section = String(line.dropFirst().dropLast()).trimmingWhitespace()
                file.sections.append(Section(name: section, line: number))
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                problems.append("line \(number): expected key = value")
                continue
            }
            let key = line[..<equals].trimmingWhitespace()
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
                problems.append("line \(number): expected a key of letters, digits, '.', '_' or '-'")
                continue
            }
            guard let value = parseValue(line[line.index(after: equals)...].trimmingWhitespace()) else {
                problems.append("line \(number): key \(key): expected a bare value or a closed \"quoted\" value")
                continue
            }
            let fullKey = section.isEmpty ? key : "\(section).\(key)"
            if !repeatable.contains(key) {
                if let earlier = seen[fullKey] {
                    problems.append("line \(number): key \(fullKey) is already set on line \(earlier)")
                    continue
                }
                seen[fullKey] = number
            }
            file.entries.append(Entry(key: fullKey, value: value, line: number, section: section))
        }
        return (file, problems)
    }

    /// The value of `key`, if set; the first one for a repeatable key.
    public subscript(_ key: String) -> String? {
        entries.first { $0.key == key }?.value
    }

    private static func parseValue(_ text: String) -> String? {
        guard text.hasPrefix("\"") else {
            // A bare value ends at an unquoted comment.
            if let hash = text.range(of: " #") { return String(text[..<hash.lowerBound]).trimmingWhitespace() }
            return text
        }
        var out = ""
        var escaped = false
        var closed = false
        var rest = Substring("")
        var iterator = text.dropFirst()
        while let char = iterator.first {
            iterator = iterator.dropFirst()
            if escaped {
                out.append(char)
                escaped = false
            } else if char == "\\" {
                escaped = true
            } else if char == "\"" {
                closed = true
                rest = iterator
                break
            } else {
                out.append(char)
            }
        }
        guard closed else { return nil }
        let trailing = rest.trimmingWhitespace()
        guard trailing.isEmpty || trailing.hasPrefix("#") else { return nil }
        return out
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line ends.
    package func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" || first == "\r" || first == "\n" {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == " " || last == "\t" || last == "\r" || last == "\n" {
            slice = slice.dropLast()
        }
        return String(slice)
    }
}
