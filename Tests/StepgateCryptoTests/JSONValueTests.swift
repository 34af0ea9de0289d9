import StepgateCrypto
import Testing

struct JSONValueTests {
    static func parse(_ text: String, maxDepth: Int = 32) throws -> JSONValue {
        try JSONValue.parse(Array(text.utf8), maxDepth: maxDepth)
    }

    static let valid: [(String, JSONValue)] = [
        ("null", nil),
        ("true", true),
        ("false", false),
        ("0", 0),
        ("-0", 0),
        ("42", 42),
        ("-17", -17),
        ("9223372036854775807", .integer(.max)),
        ("-9223372036854775808", .integer(.min)),
        ("1.5", 1.5),
        ("-0.25", -0.25),
        ("1e3", 1000.0),
        ("1E+2", 100.0),
        ("2.5e-1", 0.25),
        ("1.0", 1.0),
        ("92233720368547758070.0", 92_233_720_368_547_758_070.0),
        (#""""#, ""),
        (#""abc""#, "abc"),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#""\u00e9\u20AC""#, "é€"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\u0000""#, "\u{0}"),
        ("\"h\u{e9}llo \u{1F600}\"", "héllo 😀"),
        ("[]", []),
        ("{}", [:]),
        (" \t\r\n[1, \"a\", null, true, {\"k\": [2.5]}] \n", [1, "a", nil, true, ["k": [2.5]]]),
        (#"{"a":1,"b":{"c":[]}}"#, ["a": 1, "b": ["c": []]]),
    ]

    @Test(arguments: valid)
    func parse_acceptsValidInput(_ text: String, _ expected: JSONValue) throws {
        #expect(try Self.parse(text) == expected)
    }

    static let invalid: [(String, JSONError.Code)] = [
        ("", .unexpectedEnd),
        ("   ", .unexpectedEnd),
        ("[1,", .unexpectedEnd),
        (#""abc"#, .unexpectedEnd),
        ("tru", .unexpectedEnd),
        ("nul", .unexpectedEnd),
        ("truth", .unexpectedByte),
        ("NaN", .unexpectedByte),
        ("Infinity", .unexpectedByte),
        ("-Infinity", .invalidNumber),
        ("+1", .unexpectedByte),
        (".5", .unexpectedByte),
        ("[1,]", .unexpectedByte),
        ("[,1]", .unexpectedByte),
        (#"{"a":1,}"#, .unexpectedByte),
        (#"{"a" 1}"#, .unexpectedByte),
        ("{a:1}", .unexpectedByte),
        ("{'a':1}", .unexpectedByte),
        (#"['a']"#, .unexpectedByte),
        ("[1 2]", .unexpectedByte),
        ("1 2", .trailingData),
        ("{} x", .trailingData),
        ("null\u{0}", .trailingData),
        ("01", .leadingZero),
        ("-01", .leadingZero),
        ("00", .leadingZero),
        ("1.", .invalidNumber),
        ("1.e3", .invalidNumber),
        ("1e", .invalidNumber),
        ("1e+", .invalidNumber),
        ("-", .invalidNumber),
        ("9223372036854775808", .numberOutOfRange),
        ("-9223372036854775809", .numberOutOfRange),
        ("1e400", .numberOutOfRange),
        ("-1e400", .numberOutOfRange),
        ("\"a\u{1}b\"", .controlCharacter),
        ("\"a\nb\"", .controlCharacter),
        ("\"\t\"", .controlCharacter),
        (#""\x41""#, .invalidEscape),
        (#""\U0041""#, .invalidEscape),
        (#""\u00g1""#, .invalidEscape),
        (#""\'""#, .invalidEscape),
        (#""\ud83d""#, .loneSurrogate),
        (#""\ud83dx""#, .loneSurrogate),
        (#""\ude00""#, .loneSurrogate),
        (#""\ud83d\u0041""#, .loneSurrogate),
        (#""\ud83d\ud83d""#, .loneSurrogate),
        (#"{"a":1,"a":2}"#, .duplicateKey),
        (#"{"a":1,"\u0061":2}"#, .duplicateKey),
        (#"{"é":1,"e\u0301":2}"#, .duplicateKey),
    ]

    @Test(arguments: invalid)
    func parse_rejectsInvalidInput(_ text: String, _ code: JSONError.Code) {
        let error = #expect(throws: JSONError.self) { try Self.parse(text) }
        #expect(error?.code == code)
    }

    static let invalidUTF8: [[UInt8]] = [
        [0x22, 0xFF, 0x22],  // never valid in UTF-8
        [0x22, 0xC3, 0x22],  // truncated two-byte sequence
        [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8-encoded surrogate
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
        [0x22, 0x80, 0x22],  // lone continuation byte
    ]

    @Test(arguments: invalidUTF8)
    func parse_rejectsInvalidUTF8InString(_ bytes: [UInt8]) {
        let error = #expect(throws: JSONError.self) { try JSONValue.parse(bytes) }
        #expect(error?.code == .invalidUTF8)
    }

    @Test
    func parse_rejectsNonASCIIOutsideStrings() {
        let error = #expect(throws: JSONError.self) {
            try JSONValue.parse([0xEF, 0xBB, 0xBF, 0x31])
        }
        #expect(error?.code == .unexpectedByte)
    }

    @Test
    func parse_reportsByteOffset() {
        let error = #expect(throws: JSONError.self) { try Self.parse(#"{"a": [1, 2, x]}"#) }
        #expect(error?.offset == 13)
    }

    @Test
    func parse_errorDescriptionHoldsNoInput() {
        let error = #expect(throws: JSONError.self) { try Self.parse(#"{"password": "hunter2"#) }
        #expect(error.map { !"\($0)".contains("hunter2") } ?? false)
    }

    @Test
    func parse_acceptsNestingAtMaxDepth() throws {
        let text = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        #expect(try Self.parse(text).arrayValue != nil)
    }

    @Test
    func parse_rejectsArraysDeeperThanMaxDepth() {
        let text = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        let error = #expect(throws: JSONError.self) { try Self.parse(text) }
        #expect(error?.code == .tooDeep)
    }

    @Test
    func parse_rejectsObjectsDeeperThanMaxDepth() {
        let text = String(repeating: #"{"a":"#, count: 4) + "1" + String(repeating: "}", count: 4)
        #expect(throws: Never.self) { try Self.parse(text, maxDepth: 4) }
        let error = #expect(throws: JSONError.self) { try Self.parse(text, maxDepth: 3) }
        #expect(error?.code == .tooDeep)
    }

    @Test
    func parse_survivesVeryDeepInputWithoutRecursingPastLimit() {
        let text = String(repeating: "[", count: 100_000)
        let error = #expect(throws: JSONError.self) { try Self.parse(text) }
        #expect(error?.code == .tooDeep)
    }

    @Test
    func serialized_isCompactWithSortedKeys() {
        let value: JSONValue = ["b": [1, 2.5, nil, true], "a": "x", "B": false, "é": 1, "z": [:]]
        #expect(
            value.serializedString == #"{"B":false,"a":"x","b":[1,2.5,null,true],"z":{},"é":1}"#
        )
    }

    @Test
    func serialized_escapesQuotesBackslashesAndControls() {
        let value: JSONValue = .string("a\"b\\c/d\n\u{1}\u{1F}\u{7F}é😀")
        #expect(value.serializedString == "\"a\\\"b\\\\c/d\\u000a\\u0001\\u001f\u{7F}é😀\"")
    }

    @Test(arguments: [
        0.1, 1.0, -0.0, 1e16, 1e-7, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123456.789,
        2.0 / 3.0,
    ])
    func serialized_doublesRoundTrip(_ number: Double) throws {
        let bytes = JSONValue.double(number).serialized()
        #expect(try JSONValue.parse(bytes) == .double(number))
    }

    @Test
    func serialized_usesShortestDoubleText() {
        #expect(JSONValue.double(0.1).serializedString == "0.1")
        #expect(JSONValue.double(100).serializedString == "100.0")
        #expect(JSONValue.integer(100).serializedString == "100")
    }

    @Test
    func serialized_writesNonFiniteAsNull() {
        #expect(JSONValue.double(.infinity).serializedString == "null")
        #expect(JSONValue.double(.nan).serializedString == "null")
    }

    @Test(arguments: valid)
    func serialized_roundTripsThroughParse(_ text: String, _ expected: JSONValue) throws {
        #expect(try JSONValue.parse(expected.serialized()) == expected)
    }

    @Test
    func serialized_isDeterministicAcrossInsertionOrder() throws {
        let first = try Self.parse(#"{"x":1,"y":{"q":2,"p":3},"a":[]}"#)
        let second = try Self.parse(#"{"a":[],"y":{"p":3,"q":2},"x":1}"#)
        #expect(first.serialized() == second.serialized())
    }

    @Test
    func accessors_returnOnlyTheirCase() throws {
        let value = try Self.parse(#"{"s":"t","i":3,"d":3.0,"b":true,"a":[1],"o":{},"n":null}"#)
        #expect(value["s"]?.stringValue == "t")
        #expect(value["i"]?.integerValue == 3)
        #expect(value["d"]?.integerValue == nil)
        #expect(value["d"]?.doubleValue == 3.0)
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["o"]?.objectValue == [:])
        #expect(value["n"]?.isNull == true)
        #expect(value.hasMember("n"))
        #expect(!value.hasMember("missing"))
        #expect(value["missing"] == nil)
        #expect(value["s"]?["x"] == nil)
        #expect(value["i"]?.stringValue == nil)
    }
}
