import Foundation
import StepgateCore
import StepgateHTTP
import Testing

@testable import StepgateServer

/// A token issued to approve one transaction (RFC 9396 `authorization_details`) authorizes that
/// transaction only: not another action that its level and freshness would meet.
@Suite struct TransactionGrantScopeTests {
    static let payee = Forwarded(
        method: "POST",
        uri: "/bank/payees",
        body: Array(#"{"name": "Mallory"}"#.utf8)
    )

    @Test func transactionToken_isRefusedForAnotherAction_andKeepsItsGrant() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let tokens = try AuthorizationDetailsTests.approvedToken(harness, &browser)
        let token = try #require(tokens["access_token"]?.stringValue)
        var client = harness.browser()
        var payee = Self.payee
        payee.bearer = token
        let refused = client.decide(payee)
        #expect(refused.status == 401)
        #expect(refused.headers["WWW-Authenticate"]?.contains("insufficient_user_authentication") == true)

        var transfer = TransactionTests.transfer()
        transfer.bearer = token
        #expect(client.decide(transfer).status == 200)
    }

    @Test func plainToken_atTheLevel_stillAddsAPayee() throws {
        let harness = try BankPolicy.harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal2")
        let location = harness.signIn(&browser, request)
        let token = try #require(harness.redeem(location, request).jsonBody?["access_token"]?.stringValue)
        var client = harness.browser()
        var payee = Self.payee
        payee.bearer = token
        #expect(client.decide(payee).status == 200)
    }
}
