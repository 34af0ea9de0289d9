import Foundation
import Testing

@testable import StepgateCore

@Suite struct PolicyRuleTests {
    static let rules = """
        [action.pay]
        method = POST
        path = /pay
        level = aal1
        max_age = 10m
        amount = body.amount
        rule = risk >= 30 and risk < 60 -> level aal2
        rule = risk >= 60 -> level aal3
        rule = amount > 999.99 -> max_age 1m
        rule = amount >= 5000.5 -> deny
        rule = risk > 90 -> deny
        rule = amount < 0 -> deny
        """

    static func requirement(risk: Int, amount: String?) throws -> PolicyRequirement {
        let policy = try PolicyFixture.load(rules)
        let decimal = amount.flatMap(DecimalText.plainDecimal)
        return try #require(
            policy.requirement(for: PolicyFixture.request("POST", "/pay"), riskScore: risk, amount: decimal)
        )
    }

    @Test(arguments: [
        (0, "aal1"), (29, "aal1"), (30, "aal2"), (59, "aal2"), (60, "aal3"), (100, "aal3"), (-5, "aal1"), (500, "aal3"),
    ])
    func riskBands_raiseLevel(risk: Int, level: String) throws {
        #expect(try Self.requirement(risk: risk, amount: "1").level == level)
    }

    @Test func riskAbove90_deniesWithTheRuleAndLine() throws {
        let requirement = try Self.requirement(risk: 91, amount: "1")
        #expect(requirement.denial == .rule(line: 11, text: "risk > 90 -> deny"))
        #expect(requirement.firedRules.map(\.line) == [8, 11])
    }

    @Test(arguments: [
        ("999.99", 600.0), ("999.990", 600), ("999.991", 60), ("1000", 60), ("0.01", 600),
    ])
    func amountAboveThreshold_shortensMaxAge(amount: String, maxAge: TimeInterval) throws {
        let requirement = try Self.requirement(risk: 0, amount: amount)
        #expect(requirement.maxAge == maxAge)
        #expect(requirement.denial == nil)
    }

    @Test(arguments: ["5000.5", "5000.50", "5000.51", "99999999999999999999.5"])
    func amountAtOrAboveLimit_denies(amount: String) throws {
        #expect(
            try Self.requirement(risk: 0, amount: amount).denial == .rule(line: 10, text: "amount >= 5000.5 -> deny")
        )
    }

    @Test func amountJustBelowLimit_notDenied() throws {
        #expect(try Self.requirement(risk: 0, amount: "5000.49999999999999").denial == nil)
    }

    @Test func negativeAmount_denied() throws {
        #expect(try Self.requirement(risk: 0, amount: "-0.01").denial == .rule(line: 12, text: "amount < 0 -> deny"))
    }

    @Test func unknownAmount_makesAmountClausesHold() throws {
        let requirement = try Self.requirement(risk: 0, amount: nil)
        #expect(requirement.maxAge == 60)
        #expect(requirement.denial == .rule(line: 10, text: "amount >= 5000.5 -> deny"))
    }

    @Test func laterRule_neverLowersLevelNorLengthensMaxAge() throws {
        let policy = try PolicyFixture.load(
            """
            [action.a]
            method = GET
            path = /a
            level = aal1
            max_age = 10m
            rule = risk >= 10 -> level aal3
            rule = risk >= 10 -> max_age 1m
            rule = risk >= 20 -> level aal2
            rule = risk >= 20 -> max_age 5m
            """
        )
        let requirement = try #require(
            policy.requirement(for: PolicyFixture.request("GET", "/a"), riskScore: 50, amount: nil)
        )
        #expect(requirement.level == "aal3")
        #expect(requirement.maxAge == 60)
        #expect(requirement.firedRules.map(\.line) == [6, 7, 8, 9])
    }

    @Test func maxAgeRule_setsMaxAgeWhenActionHasNone() throws {
        let policy = try PolicyFixture.load(
            "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nrule = risk >= 1 -> max_age 2m"
        )
        let request = PolicyFixture.request("GET", "/a")
        #expect(policy.requirement(for: request, riskScore: 1, amount: nil)?.maxAge == 120)
        #expect(policy.requirement(for: request, riskScore: 0, amount: nil)?.maxAge == nil)
    }

    @Test func evaluate_readsAmountFromBodyNumberOrString() throws {
        let policy = try PolicyFixture.load(Self.rules)
        for body in [#"{"amount": 1000}"#, #"{"amount": "1000.00"}"#, #"{"amount": 1.0e3}"#] {
            let requirement = policy.evaluate(PolicyFixture.request("POST", "/pay", body: body), riskScore: 0)
            #expect(requirement?.maxAge == 60, "\(body)")
        }
        let small = policy.evaluate(PolicyFixture.request("POST", "/pay", body: #"{"amount": 12.5}"#), riskScore: 0)
        #expect(small?.maxAge == 600)
        #expect(small?.denial == nil)
        let words = policy.evaluate(PolicyFixture.request("POST", "/pay", body: #"{"amount": "ten"}"#), riskScore: 0)
        #expect(words?.denial == .rule(line: 10, text: "amount >= 5000.5 -> deny"))
    }

    @Test(arguments: [
        ("0", "0"), ("-0", "0"), ("-0.000", "0"), ("10.50", "10.5"), ("10.5", "10.5"), ("1.05e1", "10.5"),
        ("1E+3", "1000"), ("100e-2", "1"), ("0.001", "0.001"), ("12345e-7", "0.0012345"), ("-7.10", "-7.1"),
    ])
    func decimalText_canonical(text: String, canonical: String) {
        #expect(DecimalText.canonical(text) == canonical)
    }

    @Test(arguments: [
        "", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1.5.2", "0x10", "1 ", "1e99999", "1e100",
        String(repeating: "9", count: 39),
    ])
    func decimalText_refusesMalformedOrHuge(text: String) {
        #expect(DecimalText.canonical(text) == nil)
    }

    @Test func decimalText_plainRefusesExponent() {
        #expect(DecimalText.plainDecimal("1e3") == nil)
        #expect(DecimalText.plainDecimal("1000.10") == Decimal(string: "1000.1"))
    }
}
