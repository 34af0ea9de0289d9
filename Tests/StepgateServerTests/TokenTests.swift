import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import Testing

@testable import StepgateServer

@Suite struct TokenTests {
    /// A signed-in `aal2` code for `request`, not yet redeemed.
    ///
    /// The clock moves to the next TOTP step first, since each step's code is accepted once.
    func freshCode(_ harness: Harness, _ request: ClientRequest = ClientRequest()) -> String? {
        harness.clock.advance(by: 30)
        var browser = harness.browser()
        return harness.signIn(&browser, request)
    }

    func post(_ harness: Harness, _ fields: [(String, String)], headers: [(String, String)] = []) -> HTTPResponse {
        var browser = harness.browser()
        return browser.send(.post, "/token", form: fields, headers: headers)
    }

    @Test func replayedCode_isRefused_andRevokesWhatItIssued() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let location = freshCode(harness, request)
        let first = harness.redeem(location, request)
        let refresh = try #require(first.jsonBody?["refresh_token"]?.stringValue)
        let access = try #require(first.jsonBody?["access_token"]?.stringValue)
        #expect(Self.userinfo(harness, access).status == 200)

        let replay = harness.redeem(location, request)
        #expect(replay.status == 400)
        #expect(replay.jsonBody?["error"] == "invalid_grant")
        let afterReplay = post(
            harness,
            [("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "app")]
        )
        #expect(afterReplay.jsonBody?["error"] == "invalid_grant")
        #expect(Self.userinfo(harness, access).status == 401, "the access token of the first redemption is revoked")
    }

    /// `/userinfo` with `token` as a Bearer token.
    static func userinfo(_ harness: Harness, _ token: String) -> HTTPResponse {
        var browser = harness.browser()
        return browser.send(.get, "/userinfo", headers: [("Authorization", "Bearer " + token)])
    }

    @Test func codeRacedTwiceAtOnce_isRedeemedOnce() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let location = freshCode(harness, request)
        let results = ResultBox()

        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            results.append(harness.redeem(location, request).status)
        }
        #expect(results.values.filter { $0 == 200 }.count == 1)
        #expect(results.values.filter { $0 == 400 }.count == 7)
    }

    @Test func wrongPKCEVerifier_isRefused_andLeavesCodeUsable() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let location = freshCode(harness, request)
        let before = try harness.snapshot()

        let wrong = harness.redeem(
            location,
            request,
            verifier: "another-verifier-" + UUID().uuidString + UUID().uuidString
        )
        #expect(wrong.jsonBody?["error"] == "invalid_grant")
        #expect(try harness.snapshot() == before)
        #expect(harness.redeem(location, request).status == 200)
    }

    @Test func malformedOrMissingVerifier_isInvalidRequest() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let location = freshCode(harness, request)

        #expect(harness.redeem(location, request, verifier: "short").jsonBody?["error"] == "invalid_request")
    }

    @Test func wrongRedirectURI_isRefused_andChangesNothing() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let location = freshCode(harness, request)
        let before = try harness.snapshot()
        var other = request
        other.redirectURI = "https://app.example/other"

        #expect(harness.redeem(location, other).jsonBody?["error"] == "invalid_grant")
        #expect(try harness.snapshot() == before)
    }

    @Test func codeForAnotherClient_isRefused() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let location = freshCode(harness, request)
        let code = queryParameters(location ?? "")["code"] ?? ""
        let before = try harness.snapshot()

        let response = post(
            harness,
            [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", request.redirectURI),
                ("code_verifier", request.verifier), ("client_id", "rp"), ("client_secret", Harness.rpSecret),
            ]
        )
        #expect(response.jsonBody?["error"] == "invalid_grant")
        #expect(try harness.snapshot() == before)
    }

    @Test func expiredCode_isRefused() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let location = freshCode(harness, request)
        harness.clock.advance(by: 61)
        let before = try harness.snapshot()

        #expect(harness.redeem(location, request).jsonBody?["error"] == "invalid_grant")
        #expect(try harness.snapshot() == before)
    }

    @Test func confidentialClient_authenticatesWithBasicOrPost() throws {
        let harness = try Harness()
        for useBasic in [true, false] {
            let request = ClientRequest(clientID: "rp")
            let code = queryParameters(freshCode(harness, request) ?? "")["code"] ?? ""
            var fields = [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", request.redirectURI),
                ("code_verifier", request.verifier),
            ]
            var headers: [(String, String)] = []
            if useBasic {
                headers.append(("Authorization", "Basic " + Data("rp:\(Harness.rpSecret)".utf8).base64EncodedString()))
            } else {
                fields += [("client_id", "rp"), ("client_secret", Harness.rpSecret)]
            }
            #expect(post(harness, fields, headers: headers).status == 200)
        }
    }

    static let badClientAuth: [[(String, String)]] = [
        [("client_id", "rp")],
        [("client_id", "rp"), ("client_secret", "wrong-secret-0123456789-0123456789")],
        [("client_id", "nobody")],
        [],
        [("client_id", "app"), ("client_secret", "public-clients-have-no-secret-0123")],
    ]

    @Test(arguments: 0..<badClientAuth.count)
    func badClientAuthentication_isInvalidClient(index: Int) throws {
        let harness = try Harness()
        let request = ClientRequest(clientID: "rp")
        let code = queryParameters(freshCode(harness, request) ?? "")["code"] ?? ""
        let before = try harness.snapshot()

        let response = post(
            harness,
            [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", request.redirectURI),
                ("code_verifier", request.verifier),
            ] + Self.badClientAuth[index]
        )
        #expect(response.status == 401)
        #expect(response.jsonBody?["error"] == "invalid_client")
        #expect(try harness.snapshot() == before)
    }

    @Test func repeatedClientCredentials_areInvalidRequest() throws {
        let harness = try Harness()
        let response = post(
            harness,
            [
                ("grant_type", "refresh_token"), ("refresh_token", "x"), ("client_id", "app"), ("client_secret", "a"),
                ("client_secret", "b"),
            ]
        )
        #expect(response.jsonBody?["error"] == "invalid_request")
    }

    @Test func unsupportedGrantType_isRefused() throws {
        let harness = try Harness()
        let before = try harness.snapshot()
        let response = post(harness, [("grant_type", "password"), ("client_id", "app")])
        #expect(response.jsonBody?["error"] == "unsupported_grant_type")
        #expect(try harness.snapshot() == before)
    }

    @Test func malformedAndOversizedBodies_areRefused() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let notForm = browser.send(.post, "/token", json: ["grant_type": "refresh_token"])
        #expect(notForm.jsonBody?["error"] == "invalid_request")
        let badEncoding = harness.handler(
            HTTPRequest(
                method: .post,
                path: "/token",
                headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded")]),
                body: Array("grant_type=%ff%fe&client_id=app".utf8)
            )
        )
        #expect(badEncoding.status == 400)
        #expect(badEncoding.jsonBody?["error"] == "invalid_request")
    }

    @Test func refresh_rotates_andKeepsOriginalLevelAndAuthTime() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let first = try #require(harness.redeem(freshCode(harness, request), request).jsonBody)
        let original = try harness.claims(first["id_token"]?.stringValue)
        harness.clock.advance(by: 7_200)

        let refreshed = post(
            harness,
            [
                ("grant_type", "refresh_token"), ("refresh_token", first["refresh_token"]?.stringValue ?? ""),
                ("client_id", "app"),
            ]
        )
        #expect(refreshed.status == 200)
        let body = try #require(refreshed.jsonBody)
        #expect(body["refresh_token"] != first["refresh_token"])
        let access = try harness.claims(body["access_token"]?.stringValue)
        #expect(access["acr"] == original["acr"])
        #expect(access["auth_time"] == original["auth_time"])
        #expect(access["amr"] == original["amr"])
        #expect(try harness.claims(body["id_token"]?.stringValue)["auth_time"] == original["auth_time"])
    }

    @Test func replayedRefreshToken_revokesWholeFamily() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let first = try #require(harness.redeem(freshCode(harness, request), request).jsonBody)
        let old = first["refresh_token"]?.stringValue ?? ""
        let rotated = post(harness, [("grant_type", "refresh_token"), ("refresh_token", old), ("client_id", "app")])
        let new = rotated.jsonBody?["refresh_token"]?.stringValue ?? ""

        let newAccess = try #require(rotated.jsonBody?["access_token"]?.stringValue)
        let firstAccess = try #require(first["access_token"]?.stringValue)
        #expect(Self.userinfo(harness, newAccess).status == 200)

        let replay = post(harness, [("grant_type", "refresh_token"), ("refresh_token", old), ("client_id", "app")])
        #expect(replay.jsonBody?["error"] == "invalid_grant")
        let afterwards = post(harness, [("grant_type", "refresh_token"), ("refresh_token", new), ("client_id", "app")])
        #expect(afterwards.jsonBody?["error"] == "invalid_grant")
        #expect(harness.logs.text.contains("refresh token reused; family revoked"))
        for access in [firstAccess, newAccess] {
            #expect(Self.userinfo(harness, access).status == 401, "every access token of the family is revoked")
        }
    }

    @Test func refreshTokenOfAnotherClient_isRefused_andChangesNothing() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let first = try #require(harness.redeem(freshCode(harness, request), request).jsonBody)
        let before = try harness.snapshot()

        let response = post(
            harness,
            [
                ("grant_type", "refresh_token"), ("refresh_token", first["refresh_token"]?.stringValue ?? ""),
                ("client_id", "rp"), ("client_secret", Harness.rpSecret),
            ]
        )
        #expect(response.jsonBody?["error"] == "invalid_grant")
        #expect(try harness.snapshot() == before)
    }

    @Test func disabledUser_cannotRedeemOrRefresh() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let tokens = try #require(harness.redeem(freshCode(harness, request), request).jsonBody)
        let pending = freshCode(harness, request)
        try harness.admin.disableUser(name: "alice")

        #expect(harness.redeem(pending, request).jsonBody?["error"] == "invalid_grant")
        // The refused code is spent: enabling the user again does not revive it.
        let alice = try #require(try harness.store.user(name: "alice"))
        #expect(try harness.store.setUserDisabled(id: alice.id, disabled: false))
        #expect(harness.redeem(pending, request).jsonBody?["error"] == "invalid_grant")
        try harness.admin.disableUser(name: "alice")
        let refreshed = post(
            harness,
            [
                ("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"]?.stringValue ?? ""),
                ("client_id", "app"),
            ]
        )
        #expect(refreshed.jsonBody?["error"] == "invalid_grant")
        var browser = harness.browser()
        let userinfo = browser.send(
            .get,
            "/userinfo",
            headers: [("Authorization", "Bearer " + (tokens["access_token"]?.stringValue ?? ""))]
        )
        #expect(userinfo.status == 401)
    }

    /// A code redeemed before its user was disabled, replayed after: still a replay, which
    /// revokes what the first redemption issued.
    @Test func disabledUser_replayedCode_isStillAReplay() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let location = freshCode(harness, request)
        let first = try #require(harness.redeem(location, request).jsonBody)
        let refresh = try #require(first["refresh_token"]?.stringValue)
        try harness.admin.disableUser(name: "alice")

        #expect(harness.redeem(location, request).jsonBody?["error"] == "invalid_grant")

        let stored = try harness.store.refreshToken(hash: SecretHash.hash(refresh))
        #expect(stored?.revokedAt != nil)
        #expect(try harness.auditRecords().contains { $0.kind == AuditKind.codeReplayed.rawValue })
    }

    @Test func disabledUser_cannotSignIn() throws {
        let harness = try Harness()
        try harness.admin.disableUser(name: "alice")
        var browser = harness.browser()
        let start = harness.authorize(&browser, ClientRequest(acr: "aal1"))
        let answer = harness.answer(&browser, harness.open(&browser, start.location), harness.passwordFields())
        #expect(answer.status == 400)
        #expect(answer.text.contains(Provider.uniformFailure))
    }
}
