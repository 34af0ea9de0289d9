import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import Testing

@testable import StepgateServer

@Suite struct DiscoveryTests {
    @Test func discovery_listsLevelsClaimsAndS256() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let document = try #require(browser.send(.get, "/.well-known/openid-configuration").jsonBody)

        #expect(document["issuer"] == "https://id.example")
        #expect(document["acr_values_supported"] == ["aal1", "aal2", "aal3"])
        #expect(document["code_challenge_methods_supported"] == ["S256"])
        #expect(document["response_types_supported"] == ["code"])
        #expect(document["id_token_signing_alg_values_supported"] == ["ES256"])
        let claims = document["claims_supported"]?.arrayValue ?? []
        for claim in ["acr", "amr", "auth_time"] { #expect(claims.contains(.string(claim))) }
        #expect(document["jwks_uri"] == "https://id.example/jwks.json")
    }

    @Test func jwks_publishesCurrentAndPreviousKeyAfterRotation() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let before = try JWKSet(json: try #require(browser.send(.get, "/jwks.json").jsonBody))
        #expect(before.keys.count == 1)
        let oldKID = before.keys[0].kid
        let request = ClientRequest(acr: "aal1")
        let oldToken = try #require(harness.redeem(harness.signIn(&browser, request), request).jsonBody)

        harness.clock.advance(by: 86_400)
        let newKID = try harness.admin.rotateKeys()
        try harness.provider.keys.reload()
        let after = try JWKSet(json: try #require(browser.send(.get, "/jwks.json").jsonBody))
        #expect(Set(after.keys.map(\.kid)) == [oldKID, newKID])
        #expect(after.keys.first?.kid == newKID)
        #expect(try harness.claims(oldToken["id_token"]?.stringValue)["acr"] == "aal1")
        harness.clock.advance(by: 30)
        let second = ClientRequest(acr: "aal1", prompt: "login")
        let newToken = try #require(harness.redeem(harness.signIn(&browser, second), second).jsonBody)
        let header = try JWS.decodeWithoutVerifying(newToken["id_token"]?.stringValue ?? "").header
        #expect(header["kid"]?.stringValue == newKID)

        harness.clock.advance(by: 86_400)
        _ = try harness.admin.rotateKeys()
        try harness.provider.keys.reload()
        let third = try JWKSet(json: try #require(browser.send(.get, "/jwks.json").jsonBody))
        #expect(!third.keys.map(\.kid).contains(oldKID))
    }

    @Test func rotateKeys_refusesASecondRotationWithinTwoReloadIntervals_unlessForced() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let first = try JWKSet(json: try #require(browser.send(.get, "/jwks.json").jsonBody)).keys[0].kid
        // The first key came from no rotation: replacing it at once leaves no node behind.
        harness.clock.advance(by: 1)
        let second = try harness.admin.rotateKeys()
        harness.clock.advance(by: 59)

        let error = #expect(throws: AdminError.self) { try harness.admin.rotateKeys() }

        #expect(error?.description.contains("pass --force") == true)
        let keys = try harness.store.signingKeys()
        #expect(keys.map(\.kid) == [second, first])
        #expect(keys.filter { $0.retiredAt == nil }.map(\.kid) == [second])
        harness.clock.advance(by: 1)
        let third = try harness.admin.rotateKeys()
        let forced = try harness.admin.rotateKeys(force: true)
        #expect(try harness.store.signingKeys().filter { $0.retiredAt == nil }.map(\.kid) == [forced])
        #expect(Set([first, second, third, forced]).count == 4)
    }

    @Test func health_ready_metrics_answer() throws {
        let harness = try Harness()
        var browser = harness.browser()
        #expect(browser.send(.get, "/healthz").status == 200)
        #expect(browser.send(.get, "/readyz").status == 200)
        _ = browser.send(.get, "/nothing-here")
        let metrics = browser.send(.get, "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("stepgate_http_requests_total{route=\"/healthz\",status=\"200\"} 1"))
        #expect(metrics.text.contains("route=\"unmatched\",status=\"404\""))
    }

    @Test func readiness_answers503WhenStoreIsDown() throws {
        let harness = try Harness()
        harness.store.close()
        var browser = harness.browser()
        #expect(browser.send(.get, "/readyz").status == 503)
        let token = browser.send(.post, "/token", form: [("grant_type", "refresh_token"), ("client_id", "app")])
        #expect(token.status == 503)
    }

    @Test func unknownPathAndMethod_answer404And405() throws {
        let harness = try Harness()
        var browser = harness.browser()
        #expect(browser.send(.get, "/nope").status == 404)
        #expect(browser.send(.delete, "/token").status == 405)
    }
}
