import Foundation
import StepgateCrypto
import Testing

@testable import StepgateCore

@Suite struct PolicyTransactionTests {
    static func transaction(_ body: String) throws -> Transaction? {
        let policy = try PolicyFixture.load(PolicyFixture.bank)
        return policy.evaluate(PolicyFixture.transfer(body), riskScore: 0)?.transaction
    }

    static func denial(_ body: String, target: String = "/api/transfers") throws -> PolicyDenial? {
        let policy = try PolicyFixture.load(PolicyFixture.bank)
        return policy.evaluate(PolicyFixture.request("POST", target, body: body), riskScore: 0)?.denial
    }

    @Test func hash_isStableForAKnownTransaction() throws {
        let transaction = try #require(try Self.transaction(#"{"payee":"alice","currency":"EUR","amount":10.50}"#))
        #expect(
            transaction.fields == [
                .init(name: "body.amount", value: "10.5"),
                .init(name: "body.currency", value: "EUR"),
                .init(name: "body.payee", value: "alice"),
            ]
        )
        let expected = "stepgate-transaction-v1\n11:body.amount4:10.513:body.currency3:EUR10:body.payee5:alice"
        #expect(transaction.canonicalEncoding == Array(expected.utf8))
        // SHA-256 of the line above, base64url, computed outside Swift (Python hashlib).
        #expect(transaction.hash == "yo8JMpobtaVr6FyYjFrJk_vvgrhts6XXFyrYuz4ncyM")
    }

    @Test func hash_ignoresMemberOrderSpacingAndNumberSpelling() throws {
        let one = try Self.transaction(#"{"amount": 10.5, "currency": "EUR", "payee": "alice"}"#)
        let two = try Self.transaction(#"{ "payee" : "alice", "amount" : 1.050e1, "currency":"EUR", "memo": "hi" }"#)
        #expect(one?.hash != nil)
        #expect(one?.hash == two?.hash)
    }

    @Test(arguments: [
        #"{"amount": 10.51, "currency": "EUR", "payee": "alice"}"#,
        #"{"amount": 10000.5, "currency": "EUR", "payee": "alice"}"#,
        #"{"amount": "10.50", "currency": "EUR", "payee": "alice"}"#,
        #"{"amount": 10.5, "currency": "USD", "payee": "alice"}"#,
        #"{"amount": 10.5, "currency": "EUR", "payee": "bob"}"#,
        #"{"amount": 10.5, "currency": "EUR", "payee": "alice "}"#,
        #"{"amount": 10.5, "currency": "EURa", "payee": "lice"}"#,
    ])
    func hash_changesWithAmountCurrencyOrPayee(body: String) throws {
        let base = try #require(try Self.transaction(#"{"amount": 10.5, "currency": "EUR", "payee": "alice"}"#))
        let changed = try #require(try Self.transaction(body))
        #expect(changed.hash != base.hash)
    }

    @Test func encoding_lengthPrefixesKeepFieldBoundaries() {
        let one = Transaction(fields: [.init(name: "a", value: "b1:c"), .init(name: "d", value: "e")])
        let two = Transaction(fields: [.init(name: "a", value: "b"), .init(name: "c", value: "d1:e")])
        #expect(one.hash != two.hash)
    }

    @Test(arguments: [
        ("", TransactionBindingError.Reason.bodyNotJSON, "body.amount"),
        ("not json", .bodyNotJSON, "body.amount"),
        ("[1, 2]", .bodyNotJSON, "body.amount"),
        (#"{"amount": 1, "amount": 2, "currency": "EUR", "payee": "a"}"#, .bodyNotJSON, "body.amount"),
        (#"{"currency": "EUR", "payee": "a"}"#, .missing, "body.amount"),
        (#"{"amount": null, "currency": "EUR", "payee": "a"}"#, .missing, "body.amount"),
        (#"{"amount": 1, "currency": ["EUR"], "payee": "a"}"#, .notScalar, "body.currency"),
        (#"{"amount": 1, "currency": "EUR", "payee": {"name": "a"}}"#, .notScalar, "body.payee"),
        (#"{"amount": 1e300, "currency": "EUR", "payee": "a"}"#, .numberOutOfRange, "body.amount"),
    ])
    func evaluate_unbindableRequestIsDenied(body: String, reason: TransactionBindingError.Reason, field: String) throws
    {
        #expect(try Self.denial(body) == .unbindable(TransactionBindingError(field: field, reason: reason)))
    }

    @Test func evaluate_ruleDenialWinsOverBindingFailure() throws {
        let policy = try PolicyFixture.load(PolicyFixture.bank)
        let requirement = policy.evaluate(PolicyFixture.transfer(""), riskScore: 80)
        #expect(requirement?.denial == .rule(line: 19, text: "risk >= 70 -> deny"))
    }

    static let queryPolicy = """
        [action.export]
        method = GET
        path = /export
        level = aal2
        bind = query.account query.format body.flag
        """

    @Test func evaluate_bindsQueryParametersDecoded() throws {
        let policy = try PolicyFixture.load(Self.queryPolicy)
        let request = PolicyFixture.request(
            "GET",
            "/export?format=c%73v&account=J%C3%BCrgen+K&x",
            body: #"{"flag": true}"#
        )
        let transaction = try #require(policy.evaluate(request, riskScore: 0)?.transaction)
        #expect(transaction.fields.map(\.value) == ["Jürgen K", "csv", "true"])
    }

    @Test(arguments: [
        ("/export?format=csv", TransactionBindingError.Reason.missing),
        ("/export", .missing),
        ("/export?account=a&account=b&format=csv", .repeatedParameter),
        ("/export?account=%zz&format=csv", .badEncoding),
        ("/export?account=%ff&format=csv", .badEncoding),
    ])
    func evaluate_badQueryIsUnbindable(target: String, reason: TransactionBindingError.Reason) throws {
        let policy = try PolicyFixture.load(Self.queryPolicy)
        let requirement = policy.evaluate(PolicyFixture.request("GET", target, body: #"{"flag": 1}"#), riskScore: 0)
        #expect(requirement?.denial == .unbindable(TransactionBindingError(field: "query.account", reason: reason)))
    }

    @Test func parseKeepingNumberText_keepsExactTextByPath() throws {
        let (value, texts) = try JSONValue.parseKeepingNumberText(
            Array(#"{"a": 10.50, "b": {"c": -1E2}, "d": [1.0, {"e": 7}]}"#.utf8)
        )
        #expect(value["a"] == .double(10.5))
        #expect(texts == [["a"]: "10.50", ["b", "c"]: "-1E2", ["d", "[0]"]: "1.0", ["d", "[1]", "e"]: "7"])
    }
}
