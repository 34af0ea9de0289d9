/// A forgiving tokenizer of HTML tags over UTF-8 bytes, for `HTMLFormReader`: it yields start
/// and end tags with their attributes and skips comments, doctypes and processing
/// instructions. Every index is checked, so any input ends without trapping.
struct HTMLScanner {
    /// A start or end tag.
    struct Tag {
        /// The element name in lower case.
        let name: String
        let isEnd: Bool
        /// Attribute names in lower case, values with entities decoded; the first of a repeat wins.
        let attributes: [String: String]
    }

    /// Most attributes kept per tag.
    static let maxAttributes = 64

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next tag, or nil at the end of the input.
    mutating func nextTag() -> Tag? {
        while index < bytes.count {
            guard let open = find(UInt8(ascii: "<"), from: index) else {
                index = bytes.count
                return nil
            }
            index = open + 1
            if starts(with: "!--", at: index) {
                index = find("-->", from: index + 3).map { $0 + 3 } ?? bytes.count
                continue
            }
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "!") || bytes[index] == UInt8(ascii: "?") {
                index = find(UInt8(ascii: ">"), from: index).map { $0 + 1 } ?? bytes.count
                continue
            }
            let isEnd = bytes[index] == UInt8(ascii: "/")
            if isEnd { index += 1 }
            let nameStart = index
            while index < bytes.count, Self.isNameByte(bytes[index]) { index += 1 }
            guard index > nameStart, Self.isLetter(bytes[nameStart]) else { continue }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            return Tag(name: name, isEnd: isEnd, attributes: readAttributes())
        }
        return nil
    }

    /// The raw text up to the end tag `</name>` (any case), which is consumed; to the end of
    /// the input when there is none.
    mutating func rawText(until name: String) -> String {
        let closing = Array("</\(name)".utf8)
        var position = index
        while position < bytes.count {
            if matchesIgnoringCase(closing, at: position) {
                let text = String(decoding: bytes[index..<position], as: UTF8.self)
                index = find(UInt8(ascii: ">"), from: position).map { $0 + 1 } ?? bytes.count
                return text
            }
            position += 1
        }
        let text = String(decoding: bytes[index...], as: UTF8.self)
        index = bytes.count
        return text
    }

    /// The text from here to the next `<`, which is not consumed.
    mutating func textBeforeNextTag() -> String {
        let end = find(UInt8(ascii: "<"), from: index) ?? bytes.count
        let text = String(decoding: bytes[index..<end], as: UTF8.self)
        index = end
        return text
    }

    private mutating func readAttributes() -> [String: String] {
        var attributes: [String: String] = [:]
        while index < bytes.count {
            while index < bytes.count,
                Self.isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/")
            { index += 1 }
            guard index < bytes.count else { break }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                break
            }
            let nameStart = index
            while index < bytes.count, !Self.endsAttributeName(bytes[index]) { index += 1 }
            guard index > nameStart else {
                index += 1
                continue
            }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
            var value = ""
            if index < bytes.count, bytes[index] == UInt8(ascii: "=") {
                index += 1
                while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
                value = readAttributeValue()
            }
            if attributes[name] == nil, attributes.count < Self.maxAttributes {
                attributes[name] = HTMLText.decode(value)
            }
        }
        return attributes
    }

    private mutating func readAttributeValue() -> String {
        guard index < bytes.count else { return "" }
        let quote = bytes[index]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            let start = index + 1
            let end = find(quote, from: start) ?? bytes.count
            index = min(end + 1, bytes.count)
            return String(decoding: bytes[min(start, end)..<end], as: UTF8.self)
        }
        let start = index
        while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") {
            index += 1
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private func find(_ byte: UInt8, from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        return bytes[start...].firstIndex(of: byte)
    }

    private func find(_ text: String, from start: Int) -> Int? {
        var position = start
        while position < bytes.count {
            if starts(with: text, at: position) { return position }
            position += 1
        }
        return nil
    }

    private func starts(with text: String, at position: Int) -> Bool {
        let pattern = Array(text.utf8)
        guard position >= 0, position + pattern.count <= bytes.count else { return false }
        return bytes[position..<(position + pattern.count)].elementsEqual(pattern)
    }

    private func matchesIgnoringCase(_ pattern: [UInt8], at position: Int) -> Bool {
        guard position + pattern.count <= bytes.count else { return false }
        for (offset, expected) in pattern.enumerated()
        where Self.lower(bytes[position + offset]) != expected {
            return false
        }
        return true
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lower(byte))
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    private static func endsAttributeName(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: "=") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "/")
    }
}
