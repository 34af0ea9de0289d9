import StepgateProbe
import Testing

@Suite struct CaseSelectionTests {
    static let ids = ["code.replay", "code.race", "pkce.missing", "pkce.plain", "totp.race"]

    @Test func everything_whenNothingIsGiven() {
        let selection = CaseSelection(only: nil, skip: nil)
        #expect(Self.ids.allSatisfy(selection.includes))
    }

    @Test func only_takesIDsAndPrefixes() {
        let selection = CaseSelection(only: "code.replay, pkce.*", skip: nil)
        #expect(Self.ids.filter(selection.includes) == ["code.replay", "pkce.missing", "pkce.plain"])
    }

    @Test func skip_winsOverOnly() {
        let selection = CaseSelection(only: "code.*,totp.race", skip: "code.race")
        #expect(Self.ids.filter(selection.includes) == ["code.replay", "totp.race"])
        #expect(Self.ids.filter(CaseSelection(only: nil, skip: "*").includes).isEmpty)
    }

    @Test func prefixPatterns_matchWholeSegmentsOnly() {
        #expect(!CaseSelection.matches("code.*", "codex.replay"))
        #expect(!CaseSelection.matches("code", "code.replay"))
        #expect(CaseSelection.matches("*", "anything"))
    }

    @Test func unmatched_namesTypos() {
        let selection = CaseSelection(only: "code.replya,pkce.*", skip: "nothing.*")
        #expect(selection.unmatched(in: Self.ids) == ["code.replya", "nothing.*"])
    }

    @Test func catalogue_idsAreUniqueAndEveryCaseExplainsItself() {
        let infos = CaseCatalogue.all.map(\.info)
        #expect(Set(infos.map(\.id)).count == infos.count)
        #expect(infos.count >= 20)
        for info in infos {
            #expect(info.id.hasPrefix(info.category + ".") || info.id.split(separator: ".").count == 2, "\(info.id)")
            #expect(!info.title.isEmpty && !info.sends.isEmpty && !info.expects.isEmpty && !info.rationale.isEmpty)
        }
        #expect(infos.filter { $0.category == "human" }.count >= 2)
    }
}
