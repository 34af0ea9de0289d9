import Testing

@testable import StepgateCore

@Suite struct ConfigFileTests {
    @Test func parse_keepsRepeatableKeysInOrder() {
        let (file, problems) = ConfigFile.parse("[a]\nrule = one\nrule = two\nx = 1\nx = 2", repeatable: ["rule"])
        #expect(problems == ["line 5: key a.x is already set on line 4"])
        #expect(file.entries.map(\.value) == ["one", "two", "1"])
        #expect(file["a.rule"] == "one")
        #expect(file.entries.map(\.section) == ["a", "a", "a"])
    }

    @Test func parse_listsSectionsWithLines() {
        let (file, problems) = ConfigFile.parse("top = 1\n[a]\n[b]\n[a]\n")
        #expect(problems.isEmpty)
        #expect(file.sections.map(\.name) == ["a", "b", "a"])
        #expect(file.sections.map(\.line) == [2, 3, 4])
        #expect(file.entries.first?.section == "")
    }

    /// "\r\n" is a single `Character`: splitting the text by `Character` read a CRLF file as one
    /// line, the first key's value swallowing the rest of the file.
    @Test func parse_readsCRLFLineEnds() {
        let (file, problems) = ConfigFile.parse("key = value\r\n[s]\r\nk = v # c\r\nq = \"x\"\r\n")
        #expect(problems.isEmpty)
        #expect(file.entries.map(\.key) == ["key", "s.k", "s.q"])
        #expect(file.entries.map(\.value) == ["value", "v", "x"])
        #expect(file.entries.map(\.line) == [1, 3, 4])
        #expect(file.sections.map(\.name) == ["s"])
    }
}
