import Foundation
import Testing

@testable import StepgateCore

@Suite struct PolicyMatchingTests {
    static let precedence = """
        [action.exact]
        method = GET
        path = /api/payees/me
        level = aal1
        [action.param]
        method = GET
        path = /api/payees/{id}
        level = aal2
        [action.param_deep]
        method = GET
        path = /api/{kind}/{id}/history
        level = aal2
        [action.prefix]
        method = GET
        path = /api/payees/*
        level = aal3
        [action.api]
        method = GET
        path = /api/*
        level = aal1
        [action.hosted]
        method = GET
        path = /api/payees/{id}
        host = bank.example
        level = aal3
        [action.root]
        method = GET
        path = /
        level = aal1
        """

    static func matched(_ policy: Policy, _ method: String, _ target: String, host: String? = nil) -> String {
        switch policy.match(PolicyFixture.request(method, target, host: host)) {
        case .action(let action): action.name
        case .noAction: "none"
        case .refused(let refusal): "refused:\(refusal.rawValue)"
        }
    }

    @Test(
        arguments: [
            ("/api/payees/me", nil, "exact"),
            ("/api/payees/42", nil, "param"),
            ("/api/payees/42", "bank.example", "hosted"),
            ("/api/payees/42", "BANK.example:8443", "hosted"),
            ("/api/payees/42", "other.example", "param"),
            ("/api/payees", nil, "prefix"),
            ("/api/payees/42/history", nil, "prefix"),  // the leftmost literal (payees) decides
            ("/api/payees/42/notes", nil, "prefix"),
            ("/api/accounts/7/history", nil, "param_deep"),
            ("/api/accounts/7", nil, "api"),
            ("/api", nil, "api"),
            ("/", nil, "root"),
            ("/about", nil, "none"),
            ("/apix", nil, "none"),
        ] as [(String, String?, String)]
    )
    func match_mostSpecificWins(target: String, host: String?, expected: String) throws {
        let policy = try PolicyFixture.load(Self.precedence)
        #expect(Self.matched(policy, "GET", target, host: host) == expected)
    }

    @Test func match_methodMustAgreeButHEADFallsBackToGET() throws {
        let policy = try PolicyFixture.load(PolicyFixture.bank)
        #expect(Self.matched(policy, "POST", "/api/transfers") == "transfer")
        #expect(Self.matched(policy, "post", "/api/transfers") == "transfer")
        #expect(Self.matched(policy, "GET", "/api/transfers") == "none")
        #expect(Self.matched(policy, "HEAD", "/api/statements/2024") == "export_statements")
        #expect(Self.matched(policy, "HEAD", "/api/transfers") == "none")
    }

    /// Spellings of the transfer path: each meets the transfer action or is refused, never
    /// another action or none.
    @Test(arguments: [
        ("/api/transfers", "transfer"),
        ("/api/transfers/", "transfer"),
        ("/API/Transfers", "transfer"),
        ("/api/transfers?x=1", "transfer"),
        ("/api//transfers", "refused:empty_segment"),
        ("//api/transfers", "refused:empty_segment"),
        ("/api/transfers//", "refused:empty_segment"),
        ("/api/./transfers", "refused:dot_segment"),
        ("/api/x/../transfers", "refused:dot_segment"),
        ("/api/transfers;x", "refused:path_parameter"),
        ("/api;/transfers", "refused:path_parameter"),
        ("/api%2Ftransfers", "refused:forbidden_escape"),
        ("/api%2ftransfers", "refused:forbidden_escape"),
        ("/api/%74ransfers", "refused:forbidden_escape"),
        ("/api/%2E%2E/api/transfers", "refused:forbidden_escape"),
        ("/api%5Ctransfers", "refused:forbidden_escape"),
        ("/api/transfers%00", "refused:forbidden_escape"),
        ("/api/transfers%", "refused:bad_escape"),
        ("/api/transfers%zz", "refused:bad_escape"),
        ("/api\\transfers", "refused:forbidden_byte"),
        ("/api/transfers#x", "refused:forbidden_byte"),
        ("/api/trans fers", "refused:forbidden_byte"),
        ("/api/transférs", "refused:forbidden_byte"),
        ("api/transfers", "refused:not_absolute"),
        ("", "refused:not_absolute"),
        ("*", "refused:not_absolute"),
        ("http://bank.example/api/transfers", "refused:not_absolute"),
    ])
    func match_pathVariantsMeetTheActionOrAreRefused(target: String, expected: String) throws {
        let policy = try PolicyFixture.load(PolicyFixture.bank)
        #expect(Self.matched(policy, "POST", target) == expected)
    }

    @Test func match_encodedReservedByteStaysInItsSegment() throws {
        let policy = try PolicyFixture.load(Self.precedence)
        #expect(Self.matched(policy, "GET", "/api/payees/J%C3%BCrgen") == "param")
        #expect(Self.matched(policy, "GET", "/api/payees/a%40b") == "param")
    }

    @Test func requirement_refusedPathIsDenied() throws {
        let policy = try PolicyFixture.load(PolicyFixture.bank)
        let requirement = try #require(
            policy.requirement(for: PolicyFixture.request("POST", "/api//transfers"), riskScore: 0, amount: nil)
        )
        #expect(requirement.action == nil)
        #expect(requirement.denial == .unsafePath(.emptySegment))
        let decision = PolicyDecision.decide(
            requirement,
            proof: AuthenticationProof(acr: "aal3", authTime: PolicyTestCase.now),
            now: PolicyTestCase.now,
            levels: policy.levels
        )
        #expect(decision == .deny(.unsafePath(.emptySegment)))
    }

    @Test func requirement_nilWhenNoAction() throws {
        let policy = try PolicyFixture.load(PolicyFixture.bank)
        #expect(policy.requirement(for: PolicyFixture.request("GET", "/about"), riskScore: 99, amount: nil) == nil)
        #expect(policy.evaluate(PolicyFixture.request("GET", "/about"), riskScore: 99) == nil)
    }

    /// 1,000 actions of mixed shapes load, and every one is found by a request of its own.
    @Test func match_thousandActionsEachFound() throws {
        var text = ""
        for number in 0..<1000 {
            let path =
                switch number % 4 {
                case 0: "/api/v\(number % 7)/resource\(number)"
                case 1: "/api/v\(number % 7)/resource\(number)/{id}"
                case 2: "/api/v\(number % 7)/resource\(number)/{id}/items/*"
                default: "/svc\(number)/*"
                }
            let method = ["GET", "POST", "PUT", "DELETE"][number % 4 == 3 ? 0 : (number / 4) % 4]
            text += "[action.a\(number)]\nmethod = \(method)\npath = \(path)\nlevel = aal\(1 + number % 3)\n"
        }
        let policy = try PolicyFixture.load(text)
        #expect(policy.actions.count == 1000)
        for (number, action) in policy.actions.enumerated() {
            let target =
                switch number % 4 {
                case 0: "/api/v\(number % 7)/resource\(number)"
                case 1: "/api/v\(number % 7)/resource\(number)/x9"
                case 2: "/api/v\(number % 7)/resource\(number)/x9/items/1/2"
                default: "/svc\(number)/deep/er"
                }
            #expect(Self.matched(policy, action.method, target) == "a\(number)")
        }
        #expect(Self.matched(policy, "GET", "/api/v1/resource99999") == "none")
    }
}
