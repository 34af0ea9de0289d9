import StepgateProbe
import Testing

@Suite struct YAMLReaderTests {
    private func read(_ text: String, configure: (inout YAMLReader) -> Void = { _ in }) throws -> YAMLNode {
        var reader = YAMLReader()
        configure(&reader)
        return try reader.read(Array(text.utf8))
    }

    private func refusal(_ text: String, configure: (inout YAMLReader) -> Void = { _ in }) -> YAMLError.Code? {
        do {
            _ = try read(text, configure: configure)
            return nil
        } catch {
            return (error as? YAMLError)?.code
        }
    }

    @Test func read_buildsMappingsSequencesAndScalarsWithLines() throws {
        let root = try read("issuer: http://localhost:1\nlist:\n  - a\n  - \"b\"\nnested: {x: 1}\nempty:\n")
        #expect(root["issuer"]?.text == "http://localhost:1")
        #expect(root["issuer"]?.line == 1)
        #expect(root["list"]?.elements?.map(\.text) == ["a", "b"])
        #expect(root["list"]?.elements?[1].line == 4)
        #expect(root["nested"]?["x"]?.text == "1")
        #expect(root["empty"]?.isNull == true)
        #expect(root.entries?.map(\.key) == ["issuer", "list", "nested", "empty"])
    }

    @Test func read_keepsQuotedNullAsText() throws {
        let root = try read("a: \"null\"\nb: null\nc: '~'\n")
        #expect(root["a"]?.text == "null")
        #expect(root["b"]?.isNull == true)
        #expect(root["c"]?.text == "~")
    }

    @Test(arguments: [
        ("a: &anchor 1\nb: 2\n", YAMLError.Code.anchorOrAlias),
        ("a: &x [1]\nb: *x\n", .anchorOrAlias),
        ("a: !!str 1\n", .tag),
        ("a: !custom x\n", .tag),
        ("a: 1\na: 2\n", .duplicateKey),
        ("? [a, b]\n: c\n", .complexKey),
        ("---\na: 1\n---\nb: 2\n", .documentCount),
        ("", .documentCount),
        ("a: [1, 2\n", .syntax),
        ("a: \"unterminated\n", .syntax),
    ])
    func read_refuses(_ text: String, _ code: YAMLError.Code) {
        #expect(refusal(text) == code)
    }

    @Test func read_refusesDeepNesting() {
        let deep = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        #expect(refusal(deep) == .tooDeep)
        #expect(refusal("[[[1]]]") { $0.maxDepth = 2 } == .tooDeep)
        #expect(refusal("[[1]]") { $0.maxDepth = 2 } == nil)
    }

    @Test func read_refusesTooManyNodesAndTooManyBytes() {
        let list = "[" + Array(repeating: "1", count: 50).joined(separator: ",") + "]"
        #expect(refusal(list) { $0.maxNodes = 20 } == .tooManyNodes)
        #expect(refusal("a: " + String(repeating: "x", count: 100)) { $0.maxBytes = 50 } == .tooLarge)
    }

    @Test func read_refusesBytesThatAreNotUTF8() {
        var reader = YAMLReader()
        #expect(throws: YAMLError.self) { try reader.read([0x61, 0x3A, 0x20, 0xFF, 0xFE]) }
        reader.maxBytes = 1024
        #expect(throws: YAMLError.self) { try reader.read(Array("a: b\u{0}".utf8)) }
    }

    @Test func errors_nameTheLineButNotTheContent() {
        do {
            _ = try read("a: 1\nsecret-value: x\nsecret-value: y\n")
            Issue.record("a repeated key was accepted")
        } catch let error as YAMLError {
            #expect(error.line == 3)
            #expect(!error.description.contains("secret-value"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
