/// Finds the values of secret-named pairs in text: `name=value` (queries, forms, cookies),
/// `name="value"` (HTML attributes such as `data-challenge`) and `"name": "value"` (JSON, also
/// when cut short). Yields the text between values unchanged.
struct NamedValueScanner {
    private let bytes: [UInt8]
    private var emitted = 0
    private var cursor = 0
    private var done = false

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next piece: the bytes before a secret value and the value; at the end, the rest and
    /// nil; then nil.
    mutating func next() -> ([UInt8], [UInt8]?)? {
        guard !done else { return nil }
        while cursor < bytes.count {
            if let range = match(at: cursor) {
                let piece = (Array(bytes[emitted..<range.lowerBound]), Array(bytes[range]))
                emitted = range.upperBound
                cursor = range.upperBound
                return piece
            }
            cursor += 1
        }
        done = true
        return (Array(bytes[emitted...]), nil)
    }

    /// The range of a secret value whose name starts at `index`.
    private func match(at index: Int) -> Range<Int>? {
        guard index == 0 || Self.isBoundary(bytes[index - 1]) else { return nil }
        var end = index
        while end < bytes.count, Self.isNameByte(bytes[end]) { end += 1 }
        guard end > index, end - index <= 64,
            Redactor.isSecretName(String(decoding: bytes[index..<end], as: UTF8.self))
        else { return nil }
        if end < bytes.count, bytes[end] == UInt8(ascii: "=") {
            return assignedValue(from: end + 1)
        }
        if index > 0, bytes[index - 1] == UInt8(ascii: "\""), end < bytes.count,
            bytes[end] == UInt8(ascii: "\"")
        {
            return jsonValue(from: end + 1)
        }
        return nil
    }

    /// After `=`: a quoted value up to its closing quote, or a bare one up to a delimiter.
    private func assignedValue(from start: Int) -> Range<Int>? {
        guard start < bytes.count else { return nil }
        let quote = bytes[start]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            var end = start + 1
            while end < bytes.count, bytes[end] != quote { end += 1 }
            return end > start + 1 ? (start + 1)..<end : nil
        }
        var end = start
        while end < bytes.count, !Self.endsBareValue(bytes[end]) { end += 1 }
        return end > start ? start..<end : nil
    }

    /// After `"name"`: `: "value"` with JSON escapes, up to the closing quote or the end.
    private func jsonValue(from start: Int) -> Range<Int>? {
        var index = skipSpaces(start)
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index = skipSpaces(index + 1)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let valueStart = index + 1
        var end = valueStart
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") {
            end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
        }
        end = min(end, bytes.count)
        return end > valueStart ? valueStart..<end : nil
    }

    private func skipSpaces(_ start: Int) -> Int {
        var index = start
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        return index
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        Redactor.isBase64URL(byte) || byte == UInt8(ascii: ".")
    }

    private static func isBoundary(_ byte: UInt8) -> Bool {
        Array("?&; \t\r\n\"',{(<[".utf8).contains(byte)
    }

    private static func endsBareValue(_ byte: UInt8) -> Bool {
        Array("& \t\r\n\"'<>;,#)".utf8).contains(byte)
    }
}
