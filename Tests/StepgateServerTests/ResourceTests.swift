import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import Testing

@testable import StepgateServer

@Suite struct ResourceTests {
    func tokens(_ harness: Harness, scope profile: Bool = true) throws -> JSONValue {
        var browser = harness.browser()
        let request = ClientRequest()
        return try #require(harness.redeem(harness.signIn(&browser, request), request).jsonBody)
    }

    func call(
        _ harness: Harness,
        _ method: HTTPMethod,
        _ path: String,
        bearer: String? = nil,
        form: [(String, String)]? = nil
    )
        -> HTTPResponse
    {
        var browser = harness.browser()
        return browser.send(method, path, form: form, headers: bearer.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    var rpAuth: [(String, String)] { [("client_id", "rp"), ("client_secret", Harness.rpSecret)] }

    @Test func userinfo_answersSubjectAndName() throws {
        let harness = try Harness()
        let access = try tokens(harness)["access_token"]?.stringValue

        let response = call(harness, .get, "/userinfo", bearer: access)
        #expect(response.status == 200)
        #expect(response.jsonBody?["sub"]?.stringValue == harness.alice.id)
        #expect(response.jsonBody?["preferred_username"] == "alice")
    }

    static let badBearers = ["", "not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.e30."]

    @Test(arguments: badBearers)
    func userinfo_refusesBadToken(token: String) throws {
        let harness = try Harness()
        let response = call(harness, .get, "/userinfo", bearer: token.isEmpty ? nil : token)
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"]?.contains("invalid_token") == true)
    }

    @Test func userinfo_refusesExpiredToken() throws {
        let harness = try Harness()
        let access = try tokens(harness)["access_token"]?.stringValue
        harness.clock.advance(by: harness.configuration.accessTokenLifetime + 1)
        #expect(call(harness, .get, "/userinfo", bearer: access).status == 401)
    }

    @Test func userinfo_refusesIDTokenAsAccessToken() throws {
        let harness = try Harness()
        let idToken = try tokens(harness)["id_token"]?.stringValue
        #expect(call(harness, .get, "/userinfo", bearer: idToken).status == 401)
    }

    @Test func userinfo_refusesTamperedToken() throws {
        let harness = try Harness()
        let access = try #require(try tokens(harness)["access_token"]?.stringValue)
        var parts = access.split(separator: ".").map(String.init)
        var claims = try JSONValue.parse(Base64URL.decode(parts[1]) ?? []).objectValue ?? [:]
        claims["sub"] = "someone-else"
        parts[1] = Base64URL.encode(JSONValue.object(claims).serialized())
        #expect(call(harness, .get, "/userinfo", bearer: parts.joined(separator: ".")).status == 401)
    }

    @Test func revoke_refreshToken_revokesFamily_andItsAccessTokens() throws {
        let harness = try Harness()
        let issued = try tokens(harness)
        let refresh = issued["refresh_token"]?.stringValue ?? ""
        let access = issued["access_token"]?.stringValue ?? ""
        #expect(call(harness, .get, "/userinfo", bearer: access).status == 200)

        #expect(call(harness, .post, "/revoke", form: [("token", refresh), ("client_id", "app")]).status == 200)
        // RFC 7009 §2.1: the access tokens of the same grant end with it.
        #expect(call(harness, .get, "/userinfo", bearer: access).status == 401)
        let after = call(
            harness,
            .post,
            "/token",
            form: [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app")]
        )
        #expect(after.jsonBody?["error"] == "invalid_grant")
    }

    @Test func revoke_accessToken_endsUserinfo() throws {
        let harness = try Harness()
        let access = try tokens(harness)["access_token"]?.stringValue ?? ""

        #expect(call(harness, .post, "/revoke", form: [("token", access), ("client_id", "app")]).status == 200)
        #expect(call(harness, .get, "/userinfo", bearer: access).status == 401)
    }

    @Test func revoke_unknownToken_answers200_andChangesNothing() throws {
        let harness = try Harness()
        let before = try harness.snapshot()
        #expect(call(harness, .post, "/revoke", form: [("token", "unknown"), ("client_id", "app")]).status == 200)
        #expect(try harness.snapshot() == before)
    }

    @Test func revoke_byAnotherClient_changesNothing() throws {
        let harness = try Harness()
        let refresh = try tokens(harness)["refresh_token"]?.stringValue ?? ""
        let before = try harness.snapshot()

        #expect(call(harness, .post, "/revoke", form: [("token", refresh)] + rpAuth).status == 200)
        #expect(try harness.snapshot() == before)
    }

    @Test func revoke_withoutClientAuthentication_isRefused() throws {
        let harness = try Harness()
        #expect(call(harness, .post, "/revoke", form: [("token", "x")]).status == 401)
    }

    @Test func introspect_reportsActiveTokensWithLevel() throws {
        let harness = try Harness()
        let body = try tokens(harness)

        for name in ["access_token", "refresh_token"] {
            let response = call(
                harness,
                .post,
                "/introspect",
                form: [("token", body[name]?.stringValue ?? "")] + rpAuth
            )
            #expect(response.jsonBody?["active"] == true)
            #expect(response.jsonBody?["acr"] == "aal2")
            #expect(response.jsonBody?["amr"] == ["pwd", "otp", "mfa"])
            #expect(response.jsonBody?["auth_time"]?.integerValue != nil)
        }
    }

    @Test func introspect_reportsInactiveForUnknownAndUsedTokens() throws {
        let harness = try Harness()
        let refresh = try tokens(harness)["refresh_token"]?.stringValue ?? ""
        _ = call(
            harness,
            .post,
            "/token",
            form: [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app")]
        )

        for token in ["garbage", refresh] {
            let response = call(harness, .post, "/introspect", form: [("token", token)] + rpAuth)
            #expect(response.jsonBody == ["active": false])
        }
    }

    @Test func introspect_refusesPublicClients() throws {
        let harness = try Harness()
        let response = call(harness, .post, "/introspect", form: [("token", "x"), ("client_id", "app")])
        #expect(response.status == 401)
    }
}
