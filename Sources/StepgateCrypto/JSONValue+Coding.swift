extension JSONValue {
    /// The value parsed from `bytes`, which must hold exactly one JSON text (RFC 8259).
    ///
    /// Throws `JSONError` for invalid UTF-8, trailing data, duplicate member names, lone
    /// surrogates, raw control characters, leading zeros, `NaN`/`Infinity`, integers outside
    /// Int64, doubles that overflow, and arrays/objects nested deeper than `maxDepth`.
    /// Parsing recurses once per nesting level, so keep `maxDepth` in the hundreds at most.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 32) throws -> JSONValue {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    /// The value parsed from `bytes` as `parse` does, and the exact source text of its numbers.
    ///
    /// `numberText` holds each number's text keyed by the path to it: member names, and `[N]`
    /// for the Nth element of an array (`["amount"]`, `["payee", "iban"]`, `["[0]", "amount"]`).
    /// A member named `[0]` would share a path with an element; callers that look up paths of
    /// plain names only (as policies do) are not affected. For readers that must not round
    /// through `Double`, such as a transaction's amount.
    public static func parseKeepingNumberText(
        _ bytes: [UInt8],
        maxDepth: Int = 32
    ) throws -> (value: JSONValue, numberText: [[String]: String]) {
        var parser = JSONParser(bytes, maxDepth: maxDepth, recordsNumberText: true)
        let value = try parser.parseDocument()
        return (value, parser.numberText)
    }

    /// Compact UTF-8 JSON, deterministic: object members sorted by the UTF-8 bytes of their names.
    ///
    /// Strings escape `"`, `\` and control characters (as `\u00XX`); `/` and non-ASCII are
    /// written as they are. Doubles use the shortest text that reads back to the same value; a
    /// non-finite double, which JSON cannot express, is written as `null`.
    public func serialized() -> [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    /// `serialized()` as a string.
    public var serializedString: String {
        String(decoding: serialized(), as: UTF8.self)
    }

    private func write(to output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value): output.append(contentsOf: String(value).utf8)
        case .double(let value):
            output.append(contentsOf: (value.isFinite ? value.description : "null").utf8)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let names = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (position, name) in names.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(name, to: &output)
                output.append(UInt8(ascii: ":"))
                members[name]?.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func writeString(_ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                output.append(UInt8(ascii: "\\"))
                output.append(byte)
            case 0x00..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
