import Foundation
import Testing

@testable import StepgateCore

/// RFC 9396 `authorization_details` read against a policy's bound actions.
@Suite struct AuthorizationDetailTests {
    static let policy = """
        [action.transfer]
        method = POST
        path = /api/transfers
        level = aal2
        bind = body.amount body.currency body.payee.iban

        [action.export]
        method = GET
        path = /api/export
        level = aal2
        bind = query.account

        [action.twice]
        method = POST
        path = /api/twice
        level = aal2
        bind = body.x query.x

        [action.plain]
        method = GET
        path = /api/plain
        level = aal1
        """

    static func read(_ text: String) throws(AuthorizationDetailError) -> AuthorizationDetail {
        // The fixture is constant and loads; a failure here is a broken test, not a case.
        let policy = try! PolicyFixture.load(Self.policy)
        return try policy.authorizationDetail(text)
    }

    @Test func detail_givesTheSameHashAsTheRequestItDescribes() throws {
        let detail = try Self.read(
            #"[{"type": "transfer", "amount": 10.50, "currency": "EUR", "payee": {"iban": "DE89"}, "note": "x"}]"#
        )
        let policy = try PolicyFixture.load(Self.policy)
        let request = PolicyFixture.request(
            "POST",
            "/api/transfers",
            body: #"{"payee": {"iban": "DE89"}, "currency": "EUR", "amount": 1.05e1}"#
        )
        #expect(detail.action == "transfer")
        #expect(detail.transaction.fields.map(\.value) == ["10.5", "EUR", "DE89"])
        #expect(detail.transaction.hash == policy.evaluate(request, riskScore: 0)?.transaction?.hash)
    }

    @Test func detail_readsQueryBoundFieldsByName() throws {
        let detail = try Self.read(#"[{"type": "export", "account": "acc 1"}]"#)
        let policy = try PolicyFixture.load(Self.policy)
        let request = PolicyFixture.request("GET", "/api/export?account=acc%201")
        #expect(detail.transaction.hash == policy.evaluate(request, riskScore: 0)?.transaction?.hash)
    }

    @Test func stringAndNumber_withTheSameText_bindAlike() throws {
        let number = try Self.read(
            #"[{"type": "transfer", "amount": 10.5, "currency": "EUR", "payee": {"iban": "D"}}]"#
        )
        let string = try Self.read(
            #"[{"type": "transfer", "amount": "10.5", "currency": "EUR", "payee": {"iban": "D"}}]"#
        )
        let padded = try Self.read(
            #"[{"type": "transfer", "amount": "10.50", "currency": "EUR", "payee": {"iban": "D"}}]"#
        )
        #expect(number.transaction.hash == string.transaction.hash)
        #expect(number.transaction.hash != padded.transaction.hash)
    }

    @Test(arguments: [
        ("[", AuthorizationDetailError.Reason.malformed),
        (#"{"type": "transfer"}"#, .malformed),
        ("[" + String(repeating: " ", count: 4_100) + "]", .malformed),
        ("[]", .notOneObject),
        (#"[1]"#, .notOneObject),
        (#"[{"type": "export", "account": "a"}, {"type": "export", "account": "b"}]"#, .notOneObject),
        (#"[{"account": "a"}]"#, .missingType),
        (#"[{"type": 7, "account": "a"}]"#, .missingType),
        (#"[{"type": "nope"}]"#, .unknownType),
        (#"[{"type": "plain"}]"#, .unknownType),
        (#"[{"type": "twice", "x": "a"}]"#, .ambiguousBinding),
        (#"[{"type": "export"}]"#, .missingField),
        (#"[{"type": "export", "account": null}]"#, .missingField),
        (#"[{"type": "export", "account": {"a": 1}}]"#, .missingField),
        (#"[{"type": "export", "account": ["a"]}]"#, .missingField),
        (#"[{"type": "transfer", "amount": 1, "currency": "EUR", "payee": "flat"}]"#, .missingField),
        (#"[{"type": "export", "account": 1e999}]"#, .malformed),
        (#"[{"type": "export", "account": 0.1234567890123456789012345678901234567890}]"#, .numberOutOfRange),
    ])
    func detail_refusesEachMalformedShape(_ text: String, _ reason: AuthorizationDetailError.Reason) {
        #expect(throws: AuthorizationDetailError.self) { try Self.read(text) }
        do {
            _ = try Self.read(text)
        } catch {
            #expect(error.reason == reason)
        }
    }

    @Test func boundActionNames_listOnlyActionsWithBind() throws {
        #expect(try PolicyFixture.load(Self.policy).boundActionNames == ["transfer", "export", "twice"])
    }
}
