import StepgateHTTP
import Testing

@Suite struct FormDataTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        let input: String
        let fields: [String]
        var testDescription: String { input.isEmpty ? "<empty>" : input }
    }

    static let valid: [Valid] = [
        Valid(input: "", fields: []),
        Valid(input: "a=1", fields: ["a=1"]),
        Valid(input: "a=1&b=2", fields: ["a=1", "b=2"]),
        Valid(input: "a=hello+world", fields: ["a=hello world"]),
        Valid(input: "a=hello%20world", fields: ["a=hello world"]),
        Valid(input: "a=%2B%26%3D", fields: ["a=+&="]),
        Valid(input: "a", fields: ["a="]),
        Valid(input: "a=", fields: ["a="]),
        Valid(input: "=v", fields: ["=v"]),
        Valid(input: "a=1&&b=2&", fields: ["a=1", "b=2"]),
        Valid(input: "a=b=c", fields: ["a=b=c"]),
        Valid(input: "n%C3%A4me=%E2%82%AC", fields: ["näme=€"]),
        Valid(input: "x=%4a%4A", fields: ["x=JJ"]),
    ]

    @Test(arguments: valid)
    func parse_acceptsValidInput(_ example: Valid) throws {
        let form = try FormData.parse(Array(example.input.utf8))
        #expect(form.fields.map { "\($0.0)=\($0.1)" } == example.fields)
    }

    @Test(arguments: ["%", "%2", "a=%zz", "a=%g0", "a=1&b=%2", "%%41", "a=%-1"])
    func parse_rejectsBadPercentEncoding(_ input: String) {
        #expect {
            try FormData.parse(Array(input.utf8))
        } throws: { error in
            (error as? HTTPFormError)?.code == .invalidPercentEncoding
        }
    }

    @Test(arguments: ["a=%FF", "a=%C3", "%80=x", "a=%ED%A0%80"])
    func parse_rejectsInvalidUTF8(_ input: String) {
        #expect {
            try FormData.parse(Array(input.utf8))
        } throws: { error in
            (error as? HTTPFormError)?.code == .invalidUTF8
        }
    }

    @Test func parse_rejectsRawInvalidUTF8() {
        #expect {
            try FormData.parse([UInt8(ascii: "a"), UInt8(ascii: "="), 0xFF])
        } throws: { error in
            (error as? HTTPFormError)?.code == .invalidUTF8
        }
    }

    @Test func parse_acceptsExactly256Fields() throws {
        let input = (0..<256).map { "f\($0)=v" }.joined(separator: "&")
        #expect(try FormData.parse(query: input).fields.count == 256)
    }

    @Test func parse_rejects257Fields() {
        let input = (0..<257).map { "f\($0)=v" }.joined(separator: "&")
        #expect {
            try FormData.parse(query: input)
        } throws: { error in
            (error as? HTTPFormError)?.code == .tooManyFields
        }
    }

    @Test func lookups_findFirstAndAllValues() throws {
        let form = try FormData.parse(query: "scope=a&scope=b&state=xyz")
        #expect(form.value("scope") == "a")
        #expect(form.values("scope") == ["a", "b"])
        #expect(form.value("missing") == nil)
        #expect(try form.single("state") == "xyz")
        #expect(try form.single("missing") == nil)
    }

    @Test func single_rejectsRepeatedParameter() throws {
        let form = try FormData.parse(query: "client_id=a&client_id=b")
        #expect {
            try form.single("client_id")
        } throws: { error in
            (error as? HTTPFormError)?.code == .duplicateField
        }
    }

    @Test func error_descriptionHoldsNoInput() {
        do {
            _ = try FormData.parse(query: "secret=SECRETVALUE%zz")
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("SECRETVALUE"))
        }
    }
}
