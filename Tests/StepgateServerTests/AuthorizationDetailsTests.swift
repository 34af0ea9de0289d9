import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import Testing

@testable import StepgateServer

/// `/authorize` with RFC 9396 `authorization_details`: an access token bound to one transaction,
/// let through by the decision endpoint once.
@Suite struct AuthorizationDetailsTests {
    static let detail = #"[{"type": "transfer", "amount": 10.50, "currency": "EUR", "payee": "alice"}]"#

    static func request(_ details: String = detail, acr: String = "aal2") -> ClientRequest {
        ClientRequest(acr: acr, extra: [("authorization_details", details)])
    }

    /// Signs in at aal2, then approves `detail` and redeems the code; returns the token response.
    static func approvedToken(_ harness: Harness, _ browser: inout Browser) throws -> JSONValue {
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        harness.clock.advance(by: 31)
        let request = request()
        let location = harness.signIn(&browser, request)
        return try #require(harness.redeem(location, request).jsonBody)
    }

    @Test func approval_asksForAFreshSecondFactor_andShowsTheTransaction() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        harness.clock.advance(by: 31)
        let start = harness.authorize(&browser, Self.request())
        #expect(start.location?.hasPrefix("/login") == true)
        let page = harness.open(&browser, start.location)
        #expect(page.hiddenField("step") == "otp")
        #expect(page.text.contains("You are approving"))
        #expect(page.text.contains("<td>10.5</td>"))
        #expect(page.text.contains("<td>alice</td>"))
        let state = browser.send(.get, "/api/login?flow=" + (page.hiddenField("flow") ?? ""))
        #expect(state.jsonBody?["approval"]?["fields"]?["payee"]?.stringValue == "alice")
    }

    @Test func token_carriesTheDetails_andGoesThroughOnce() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let tokens = try Self.approvedToken(harness, &browser)
        #expect(tokens["authorization_details"]?.arrayValue?.first?["type"]?.stringValue == "transfer")
        let token = try #require(tokens["access_token"]?.stringValue)
        let claims = try harness.provider.verifyAccessToken(token).claims
        #expect(claims[TransactionClaim.name]?["hash"]?.stringValue == TransactionTests.hash("10.5", "alice"))

        var client = harness.browser()
        var transfer = TransactionTests.transfer()
        transfer.bearer = token
        #expect(client.decide(transfer).status == 200)
        #expect(client.decide(transfer).status == 401)
    }

    @Test func token_refusesAnotherTransaction() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let token = try #require(try Self.approvedToken(harness, &browser)["access_token"]?.stringValue)
        var client = harness.browser()
        for (amount, payee) in [("10000", "alice"), ("10.50", "bob")] {
            var transfer = TransactionTests.transfer(amount, payee)
            transfer.bearer = token
            let response = client.decide(transfer)
            #expect(response.status == 401)
            #expect(response.headers["WWW-Authenticate"]?.contains("insufficient_user_authentication") == true)
        }
        var right = TransactionTests.transfer()
        right.bearer = token
        #expect(client.decide(right).status == 200)
    }

    @Test func refreshedToken_carriesNoTransaction() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let tokens = try Self.approvedToken(harness, &browser)
        let refresh = try #require(tokens["refresh_token"]?.stringValue)
        let refreshed = browser.send(
            .post,
            "/token",
            form: [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app")]
        )
        let token = try #require(refreshed.jsonBody?["access_token"]?.stringValue)
        #expect(refreshed.jsonBody?["authorization_details"] == nil)
        #expect(try harness.provider.verifyAccessToken(token).claims[TransactionClaim.name] == nil)
        var transfer = TransactionTests.transfer()
        transfer.bearer = token
        #expect(browser.decide(transfer).status == 401)
    }

    @Test(arguments: [
        "not json", "{}", "[]", #"[{"type": "transfer"}, {"type": "transfer"}]"#, #"["transfer"]"#,
        #"[{"amount": 1, "currency": "EUR", "payee": "a"}]"#,
        #"[{"type": "payee", "amount": 1, "currency": "EUR", "payee": "a"}]"#,
        #"[{"type": "nope", "amount": 1}]"#, #"[{"type": "transfer", "amount": 1, "currency": "EUR"}]"#,
        #"[{"type": "transfer", "amount": 1, "currency": null, "payee": "a"}]"#,
        #"[{"type": "transfer", "amount": [1], "currency": "EUR", "payee": "a"}]"#,
        #"[{"type": "transfer", "amount": 1e999, "currency": "EUR", "payee": "a"}]"#,
        "[" + String(repeating: " ", count: 5000) + "]",
    ])
    func malformedDetails_areRefusedToTheClient_andChangeNothing(_ details: String) throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let before = try harness.snapshot()
        let response = harness.authorize(&browser, Self.request(details))
        #expect(response.status == 303)
        let query = queryParameters(response.location ?? "")
        #expect(query["error"] == "invalid_authorization_details")
        #expect(try harness.snapshot() == before)
    }

    @Test func details_withoutAPolicy_areRefused() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let response = harness.authorize(&browser, Self.request())
        #expect(queryParameters(response.location ?? "")["error"] == "invalid_authorization_details")
    }

    @Test func details_withPromptNone_needInteraction() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        var request = Self.request()
        request.prompt = "none"
        let response = harness.authorize(&browser, request)
        #expect(queryParameters(response.location ?? "")["error"] == "interaction_required")
    }

    @Test func discovery_listsTheBoundActionsAsTypes() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let document = browser.send(.get, "/.well-known/openid-configuration").jsonBody
        let types = document?["authorization_details_types_supported"]?.arrayValue?.compactMap(\.stringValue)
        #expect(types == ["transfer", "transfer_form"])
    }
}
