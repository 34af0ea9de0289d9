import Foundation
import Testing

@testable import StepgateCore

@Suite struct PolicyDecisionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let levels = PolicyFixture.levels

    static func requirement(level: String = "aal2", maxAge: TimeInterval? = 300) -> PolicyRequirement {
        PolicyRequirement(
            action: "a",
            level: level,
            maxAge: maxAge,
            binding: [],
            denial: nil,
            firedRules: [],
            transaction: nil
        )
    }

    static func proof(_ acr: String, age: TimeInterval) -> AuthenticationProof {
        AuthenticationProof(acr: acr, authTime: now.addingTimeInterval(-age), amr: ["pwd", "otp", "mfa"])
    }

    @Test(arguments: [
        ("aal2", 0.0, PolicyDecision.allow),
        ("aal2", 300, .allow),
        ("aal3", 10, .allow),
        ("aal2", 301, .stepUp(acr: "aal2", maxAge: 300)),
        ("aal3", 301, .stepUp(acr: "aal2", maxAge: 300)),
        ("aal1", 0, .stepUp(acr: "aal2", maxAge: 300)),
        ("aal9", 0, .stepUp(acr: "aal2", maxAge: 300)),
        ("aal2", -5, .stepUp(acr: "aal2", maxAge: 300)),
    ])
    func decide_levelAndFreshness(acr: String, age: TimeInterval, expected: PolicyDecision) {
        let decision = PolicyDecision.decide(
            Self.requirement(),
            proof: Self.proof(acr, age: age),
            now: Self.now,
            levels: Self.levels
        )
        #expect(decision == expected)
    }

    @Test func decide_noProofStepsUp() {
        let decision = PolicyDecision.decide(Self.requirement(), proof: nil, now: Self.now, levels: Self.levels)
        #expect(decision == .stepUp(acr: "aal2", maxAge: 300))
        #expect(decision.description == "step_up aal2 300")
    }

    @Test func decide_noMaxAgeAcceptsAnyAge() {
        let decision = PolicyDecision.decide(
            Self.requirement(maxAge: nil),
            proof: Self.proof("aal2", age: 86_400 * 30),
            now: Self.now,
            levels: Self.levels
        )
        #expect(decision == .allow)
    }

    @Test func decide_denialWinsOverAnyProof() {
        var requirement = Self.requirement()
        requirement.denial = .rule(line: 3, text: "risk >= 70 -> deny")
        let decision = PolicyDecision.decide(
            requirement,
            proof: Self.proof("aal3", age: 0),
            now: Self.now,
            levels: Self.levels
        )
        #expect(decision == .deny(.rule(line: 3, text: "risk >= 70 -> deny")))
        #expect(decision.description == "deny")
    }

    @Test func testCases_bankExamplesPass() throws {
        let policy = try PolicyFixture.load(PolicyFixture.bank)
        let cases = try PolicyTestCase.load(
            """
            [case.small]
            method = POST
            path = /api/transfers
            body = {"amount": 10, "currency": "EUR", "payee": "a"}
            acr = aal2
            expected = allow
            [case.big]
            method = POST
            path = /api/transfers
            body = {"amount": 1000.5, "currency": "EUR", "payee": "a"}
            acr = aal2
            expected = step_up aal3
            [case.stale]
            method = POST
            path = /api/phone
            acr = aal2
            auth_age = 6m
            expected = step_up aal2 5m
            [case.none]
            method = GET
            path = /
            expected = no_action
            """
        )
        let results = cases.map { $0.run(against: policy) }
        #expect(results.map(\.passed) == [true, true, true, true])
        #expect(results.map(\.actual) == ["allow", "step_up aal3", "step_up aal2 300", "no_action"])
    }

    @Test func testCases_changedDecisionFailsWithReasons() throws {
        let policy = try PolicyFixture.load(PolicyFixture.bank)
        let cases = try PolicyTestCase.load(
            """
            [case.risky]
            method = POST
            path = /api/transfers
            body = {"amount": 10, "currency": "EUR", "payee": "a"}
            risk = 75
            acr = aal3
            expected = allow
            """
        )
        let result = cases[0].run(against: policy)
        #expect(!result.passed)
        #expect(result.summary.hasPrefix("FAIL risky (line 1): expected allow, got deny"))
        #expect(result.summary.contains("rule on line 19"))
    }

    @Test(arguments: [
        ("[case.a]\nmethod = GET\nexpected = allow", "line 1: case a: missing key path"),
        ("[case.a]\nmethod = GET\npath = /\nexpected = maybe", "line 4: case a: expected: expected allow"),
        ("[case.a]\nmethod = GET\npath = /\nexpected = step_up aal2 soon", "line 4: case a: expected: the duration"),
        ("[case.a]\nmethod = GET\npath = /\nrisk = 101\nexpected = allow", "line 4: case a: risk: expected"),
        ("[case.a]\nmethod = GET\npath = /\nauth_age = x\nexpected = allow", "line 4: case a: auth_age: the duration"),
        ("[case.a]\nmethod = GET\npath = /\ncolour = red\nexpected = allow", "line 4: case a: unknown key colour"),
        ("[case.a]\nmethod = GET\npath = x\nexpected = allow", "line 3: case a: path: expected a path"),
        ("[test.a]\n", "line 1: expected a section [case.NAME]"),
        ("x = 1\n[case.a]\nmethod = GET\npath = /\nexpected = allow", "line 1: key x is outside any case"),
        ("[case.a]\nmethod = GET\npath = /\nexpected = allow\n[case.a]\n", "line 5: case a is defined twice"),
        ("# nothing\n", "expected at least one [case.NAME]"),
    ])
    func testCases_reportProblemsWithLine(text: String, expected: String) {
        #expect(throws: PolicyLoadError.self) { try PolicyTestCase.load(text) }
        do {
            _ = try PolicyTestCase.load(text)
        } catch {
            #expect(error.problems.first?.hasPrefix(expected) == true, "\(error.problems)")
        }
    }
}
