/// A strict RFC 8259 parser over untrusted bytes.
///
/// Beyond the grammar it rejects what lets two readers disagree about one document: duplicate
/// member names, lone surrogates, invalid UTF-8, integers that do not fit Int64, and nesting
/// past a limit. Member names are Swift strings, so two names that differ only by Unicode
/// normalisation count as duplicates too.
struct JSONParser {
    private let bytes: [UInt8]
    private let maxDepth: Int
    private var index = 0
    /// Whether to keep the source text of numbers reached through object members only.
    private let recordsNumberText: Bool
    /// Member names, and `[N]` for the Nth array element, from the root to the current value.
    private var memberPath: [String] = []
    /// Source text of numbers by the member names leading to them, when recording.
    private(set) var numberText: [[String]: String] = [:]

    init(_ bytes: [UInt8], maxDepth: Int, recordsNumberText: Bool = false) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.recordsNumberText = recordsNumberText
    }

    /// The one value that `bytes` holds, with optional whitespace around it.
    mutating func parseDocument() throws -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw JSONError(.trailingData, offset: index) }
        return value
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard index < bytes.count else { throw JSONError(.unexpectedEnd, offset: index) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw JSONError(.unexpectedByte, offset: index)
        }
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        guard depth <= maxDepth else { throw JSONError(.tooDeep, offset: index) }
        index += 1
        skipWhitespace()
        var members: [String: JSONValue] = [:]
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            let keyOffset = index
            guard try peek() == UInt8(ascii: "\"") else {
                throw JSONError(.unexpectedByte, offset: index)
            }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            skipWhitespace()
            if recordsNumberText { memberPath.append(key) }
            let value = try parseValue(depth: depth)
            if recordsNumberText { memberPath.removeLast() }
            guard members.updateValue(value, forKey: key) == nil else {
                throw JSONError(.duplicateKey, offset: keyOffset)
            }
            skipWhitespace()
            if try peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"))
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        guard depth <= maxDepth else { throw JSONError(.tooDeep, offset: index) }
        index += 1
        skipWhitespace()
        var elements: [JSONValue] = []
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            if recordsNumberText { memberPath.append("[\(elements.count)]") }
            elements.append(try parseValue(depth: depth))
            if recordsNumberText { memberPath.removeLast() }
            skipWhitespace()
            if try peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"))
            return .array(elements)
        }
    }

    /// A string starting at the opening quote (RFC 8259 §7).
    private mutating func parseString() throws -> String {
        let start = index
        index += 1
        var decoded: [UInt8] = []
        var runStart = index
        while true {
            guard index < bytes.count else { throw JSONError(.unexpectedEnd, offset: index) }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                decoded.append(contentsOf: bytes[runStart..<index])
                index += 1
                break
            }
            if byte < 0x20 { throw JSONError(.controlCharacter, offset: index) }
            if byte == UInt8(ascii: "\\") {
                decoded.append(contentsOf: bytes[runStart..<index])
                try parseEscape(into: &decoded)
                runStart = index
                continue
            }
            index += 1
        }
        guard let string = String(validating: decoded, as: UTF8.self) else {
            throw JSONError(.invalidUTF8, offset: start)
        }
        return string
    }

    /// One escape sequence starting at the backslash, appended as UTF-8.
    private mutating func parseEscape(into decoded: inout [UInt8]) throws {
        let start = index
        index += 1
        guard index < bytes.count else { throw JSONError(.unexpectedEnd, offset: index) }
        let letter = bytes[index]
        index += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(letter)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4()
            var scalarValue = UInt32(unit)
            if (0xDC00...0xDFFF).contains(unit) { throw JSONError(.loneSurrogate, offset: start) }
            if (0xD800...0xDBFF).contains(unit) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                else { throw JSONError(.loneSurrogate, offset: start) }
                index += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONError(.loneSurrogate, offset: start)
                }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            }
            // Surrogates were handled above, so every remaining value is a scalar.
            guard let scalar = Unicode.Scalar(scalarValue) else {
                throw JSONError(.loneSurrogate, offset: start)
            }
            // A valid scalar always encodes.
            decoded.append(contentsOf: UTF8.encode(scalar)!)
        default: throw JSONError(.invalidEscape, offset: start)
        }
    }

    private mutating func parseHex4() throws -> UInt16 {
        guard index + 4 <= bytes.count else { throw JSONError(.unexpectedEnd, offset: bytes.count) }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONError(.invalidEscape, offset: index)
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// A number (RFC 8259 §6): `.integer` without fraction or exponent, otherwise `.double`.
    private mutating func parseNumber() throws -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw JSONError(.invalidNumber, offset: index)
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) {
                throw JSONError(.leadingZero, offset: start)
            }
        } else {
            skipDigits()
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            try requireDigits()
        }
        if index < bytes.count,
            bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")
        {
            isInteger = false
            index += 1
            if index < bytes.count,
                bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
            {
                index += 1
            }
            try requireDigits()
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if recordsNumberText { numberText[memberPath] = text }
        if isInteger {
            guard let value = Int64(text) else { throw JSONError(.numberOutOfRange, offset: start) }
            return .integer(value)
        }
        guard let value = Double(text), value.isFinite else {
            throw JSONError(.numberOutOfRange, offset: start)
        }
        return .double(value)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private mutating func requireDigits() throws {
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw JSONError(.invalidNumber, offset: index)
        }
        skipDigits()
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek() throws -> UInt8 {
        guard index < bytes.count else { throw JSONError(.unexpectedEnd, offset: index) }
        return bytes[index]
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try peek() == byte else { throw JSONError(.unexpectedByte, offset: index) }
        index += 1
    }

    private mutating func expectLiteral(_ literal: StaticString) throws {
        let start = index
        for expected in UnsafeBufferPointer(
            start: literal.utf8Start,
            count: literal.utf8CodeUnitCount
        ) {
            guard index < bytes.count else { throw JSONError(.unexpectedEnd, offset: index) }
            guard bytes[index] == expected else { throw JSONError(.unexpectedByte, offset: start) }
            index += 1
        }
    }
}
