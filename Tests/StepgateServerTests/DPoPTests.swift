import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import Testing

@testable import StepgateServer

/// A client's DPoP key (RFC 9449) and the proofs it makes, on the harness's clock.
struct DPoPKey {
    let key: ES256PrivateKey

    init() throws {
        key = try ES256PrivateKey.generate()
    }

    var thumbprint: String { key.publicKey.thumbprint }

    var jwk: JSONValue {
        [
            "kty": "EC", "crv": "P-256", "x": .string(Base64URL.encode(key.publicKey.x)),
            "y": .string(Base64URL.encode(key.publicKey.y)),
        ]
    }

    /// A proof for `method` `uri` made at `now`, with the extra claims and header members given.
    func proof(
        _ method: String,
        _ uri: String,
        now: Date,
        nonce: String? = nil,
        accessToken: String? = nil,
        claims extra: [String: JSONValue] = [:],
        jwk: JSONValue? = nil
    ) throws -> String {
        var claims: [String: JSONValue] = [
            "jti": .string(UUID().uuidString), "htm": .string(method), "htu": .string(uri),
            "iat": .integer(Int64(now.timeIntervalSince1970)),
        ]
        if let nonce { claims["nonce"] = .string(nonce) }
        if let accessToken { claims["ath"] = .string(Base64URL.encode(Digest.sha256(accessToken))) }
        for (name, value) in extra { claims[name] = value }
        return try JWS.sign(
            payload: JSONValue.object(claims).serialized(),
            key: key,
            header: ["typ": "dpop+jwt", "jwk": jwk ?? self.jwk]
        )
    }
}

@Suite struct DPoPTests {
    static let tokenURI = "https://id.example/token"
    static let userinfoURI = "https://id.example/userinfo"

    /// A fresh `aal2` code for the public client, not yet redeemed.
    func freshCode(_ harness: Harness, _ request: ClientRequest) -> String? {
        harness.clock.advance(by: 30)
        var browser = harness.browser()
        return harness.signIn(&browser, request)
    }

    func redeem(_ harness: Harness, _ location: String?, _ request: ClientRequest, proof: String?) -> HTTPResponse {
        var browser = harness.browser()
        let code = location.map(queryParameters)?["code"] ?? ""
        return browser.send(
            .post,
            "/token",
            form: [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", request.redirectURI),
                ("client_id", request.clientID), ("code_verifier", request.verifier),
            ],
            headers: proof.map { [("DPoP", $0)] } ?? []
        )
    }

    func refresh(_ harness: Harness, _ token: String, proof: String?) -> HTTPResponse {
        var browser = harness.browser()
        return browser.send(
            .post,
            "/token",
            form: [("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", "app")],
            headers: proof.map { [("DPoP", $0)] } ?? []
        )
    }

    func userinfo(_ harness: Harness, _ authorization: String, proof: String?) -> HTTPResponse {
        var browser = harness.browser()
        var headers = [("Authorization", authorization)]
        if let proof { headers.append(("DPoP", proof)) }
        return browser.send(.get, "/userinfo", headers: headers)
    }

    /// The server's current nonce, as a `use_dpop_nonce` answer hands it out.
    func nonce(_ harness: Harness) -> String {
        harness.provider.dpopNonces.current(at: harness.clock.now)
    }

    /// Tokens bound to `key`: the token response after the nonce round trip.
    func boundTokens(_ harness: Harness, _ key: DPoPKey) throws -> (access: String, refresh: String) {
        let request = ClientRequest()
        let location = freshCode(harness, request)
        let proof = try key.proof("POST", Self.tokenURI, now: harness.clock.now, nonce: nonce(harness))
        let response = redeem(harness, location, request, proof: proof)
        #expect(response.status == 200)
        return (
            try #require(response.jsonBody?["access_token"]?.stringValue),
            try #require(response.jsonBody?["refresh_token"]?.stringValue)
        )
    }

    // MARK: Token endpoint

    @Test func proofWithoutNonce_getsUseDPoPNonce_thenTokensAreBound() throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let request = ClientRequest()
        let location = freshCode(harness, request)

        let first = redeem(
            harness,
            location,
            request,
            proof: try key.proof("POST", Self.tokenURI, now: harness.clock.now)
        )
        #expect(first.status == 400)
        #expect(first.jsonBody?["error"] == "use_dpop_nonce")
        let nonce = try #require(first.headers["DPoP-Nonce"])

        let proof = try key.proof("POST", Self.tokenURI, now: harness.clock.now, nonce: nonce)
        let second = redeem(harness, location, request, proof: proof)
        #expect(second.status == 200)
        #expect(second.jsonBody?["token_type"] == "DPoP")
        #expect(second.headers["DPoP-Nonce"] != nil)
        let access = try harness.claims(second.jsonBody?["access_token"]?.stringValue)
        #expect(access["cnf"]?["jkt"]?.stringValue == key.thumbprint)
        harness.assertLogsHold(none: [proof, nonce, second.jsonBody?["access_token"]?.stringValue ?? ""])
    }

    @Test func staleNonce_getsUseDPoPNonce() throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let request = ClientRequest()
        let old = nonce(harness)
        let location = freshCode(harness, request)
        harness.clock.advance(by: 600)

        let response = redeem(
            harness,
            location,
            request,
            proof: try key.proof("POST", Self.tokenURI, now: harness.clock.now, nonce: old)
        )
        #expect(response.jsonBody?["error"] == "use_dpop_nonce")
    }

    @Test func nonceOff_acceptsProofWithoutNonce() throws {
        let harness = try Harness { $0.dpopNonceRequired = false }
        let key = try DPoPKey()
        let request = ClientRequest()
        let location = freshCode(harness, request)

        let response = redeem(
            harness,
            location,
            request,
            proof: try key.proof("POST", Self.tokenURI, now: harness.clock.now)
        )
        #expect(response.status == 200)
        #expect(response.jsonBody?["token_type"] == "DPoP")
    }

    @Test func withoutProof_tokensStayBearer() throws {
        let harness = try Harness()
        let request = ClientRequest()
        let location = freshCode(harness, request)

        let response = redeem(harness, location, request, proof: nil)
        #expect(response.jsonBody?["token_type"] == "Bearer")
        #expect(try harness.claims(response.jsonBody?["access_token"]?.stringValue)["cnf"] == nil)
    }

    @Test(arguments: ["htm", "htu", "iat", "jwk"])
    func badProofAtToken_isInvalidDPoPProof_andLeavesCodeUsable(_ flaw: String) throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let request = ClientRequest()
        let location = freshCode(harness, request)
        let now = harness.clock.now
        let nonce = nonce(harness)
        var privateJWK = key.jwk.objectValue ?? [:]
        privateJWK["d"] = .string(Base64URL.encode([UInt8](repeating: 9, count: 32)))
        let proof =
            switch flaw {
            case "htm": try key.proof("GET", Self.tokenURI, now: now, nonce: nonce)
            case "htu": try key.proof("POST", Self.userinfoURI, now: now, nonce: nonce)
            case "iat": try key.proof("POST", Self.tokenURI, now: now.addingTimeInterval(-120), nonce: nonce)
            default: try key.proof("POST", Self.tokenURI, now: now, nonce: nonce, jwk: .object(privateJWK))
            }

        let response = redeem(harness, location, request, proof: proof)
        #expect(response.status == 400)
        #expect(response.jsonBody?["error"] == "invalid_dpop_proof")
        #expect(redeem(harness, location, request, proof: nil).status == 200)
    }

    @Test func clientThatRequiresDPoP_isRefusedWithoutProof() throws {
        let harness = try Harness()
        _ = try harness.admin.addClient(
            id: "strict",
            redirectURIs: [Harness.redirectURI],
            confidential: false,
            secret: nil,
            requiresDPoP: true
        )
        let key = try DPoPKey()
        let request = ClientRequest(clientID: "strict")
        let location = freshCode(harness, request)

        let without = redeem(harness, location, request, proof: nil)
        #expect(without.status == 400)
        #expect(without.jsonBody?["error"] == "invalid_dpop_proof")
        let proof = try key.proof("POST", Self.tokenURI, now: harness.clock.now, nonce: nonce(harness))
        #expect(redeem(harness, location, request, proof: proof).jsonBody?["token_type"] == "DPoP")
    }

    @Test func twoDPoPHeaders_areRefused() throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let request = ClientRequest()
        let location = freshCode(harness, request)
        let proof = try key.proof("POST", Self.tokenURI, now: harness.clock.now, nonce: nonce(harness))
        var browser = harness.browser()
        let code = location.map(queryParameters)?["code"] ?? ""

        let response = browser.send(
            .post,
            "/token",
            form: [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", request.redirectURI),
                ("client_id", "app"), ("code_verifier", request.verifier),
            ],
            headers: [("DPoP", proof), ("DPoP", proof)]
        )
        #expect(response.jsonBody?["error"] == "invalid_dpop_proof")
    }

    @Test func replayedProof_isRefused() throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let (access, _) = try boundTokens(harness, key)
        let proof = try key.proof("GET", Self.userinfoURI, now: harness.clock.now, accessToken: access)

        #expect(userinfo(harness, "DPoP " + access, proof: proof).status == 200)
        let replay = userinfo(harness, "DPoP " + access, proof: proof)
        #expect(replay.status == 401)
        #expect(replay.headers["WWW-Authenticate"]?.hasPrefix("DPoP error=\"invalid_dpop_proof\"") == true)
    }

    // MARK: Refresh binding

    @Test func boundRefresh_needsProofBySameKey() throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let other = try DPoPKey()
        let (_, refreshToken) = try boundTokens(harness, key)
        let now = harness.clock.now

        let missing = refresh(harness, refreshToken, proof: nil)
        #expect(missing.jsonBody?["error"] == "invalid_dpop_proof")
        let wrongKey = refresh(
            harness,
            refreshToken,
            proof: try other.proof("POST", Self.tokenURI, now: now, nonce: nonce(harness))
        )
        #expect(wrongKey.jsonBody?["error"] == "invalid_grant")
        // The refusals leave the refresh token usable by its holder.
        #expect(try harness.store.refreshToken(hash: SecretHash.hash(refreshToken))?.usedAt == nil)

        let good = refresh(
            harness,
            refreshToken,
            proof: try key.proof("POST", Self.tokenURI, now: now, nonce: nonce(harness))
        )
        #expect(good.status == 200)
        #expect(good.jsonBody?["token_type"] == "DPoP")
        let rotated = try #require(good.jsonBody?["refresh_token"]?.stringValue)
        #expect(try harness.store.refreshToken(hash: SecretHash.hash(rotated))?.dpopThumbprint == key.thumbprint)
        #expect(refresh(harness, rotated, proof: nil).jsonBody?["error"] == "invalid_dpop_proof")
    }

    @Test func confidentialClient_refreshTokenIsNotBound() throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let request = ClientRequest(clientID: "rp")
        let location = freshCode(harness, request)
        var browser = harness.browser()
        let code = location.map(queryParameters)?["code"] ?? ""
        let proof = try key.proof("POST", Self.tokenURI, now: harness.clock.now, nonce: nonce(harness))

        let response = browser.send(
            .post,
            "/token",
            form: [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", request.redirectURI),
                ("client_id", "rp"), ("client_secret", Harness.rpSecret), ("code_verifier", request.verifier),
            ],
            headers: [("DPoP", proof)]
        )
        #expect(response.jsonBody?["token_type"] == "DPoP")
        let refreshToken = try #require(response.jsonBody?["refresh_token"]?.stringValue)
        #expect(try harness.store.refreshToken(hash: SecretHash.hash(refreshToken))?.dpopThumbprint == nil)
    }

    @Test func introspection_showsBindingOfBothTokens() throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let (access, refreshToken) = try boundTokens(harness, key)
        var browser = harness.browser()
        func introspect(_ token: String) -> JSONValue? {
            browser.send(
                .post,
                "/introspect",
                form: [("token", token), ("client_id", "rp"), ("client_secret", Harness.rpSecret)]
            ).jsonBody
        }

        let accessInfo = introspect(access)
        #expect(accessInfo?["token_type"] == "DPoP")
        #expect(accessInfo?["cnf"]?["jkt"]?.stringValue == key.thumbprint)
        #expect(introspect(refreshToken)?["cnf"]?["jkt"]?.stringValue == key.thumbprint)
    }

    // MARK: Resources

    @Test func userinfo_acceptsBoundTokenWithProof() throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let (access, _) = try boundTokens(harness, key)
        let proof = try key.proof("GET", Self.userinfoURI, now: harness.clock.now, accessToken: access)

        let response = userinfo(harness, "DPoP " + access, proof: proof)
        #expect(response.status == 200)
        #expect(response.jsonBody?["sub"]?.stringValue == harness.alice.id)
    }

    @Test func boundTokenAsBearer_isRefused() throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let (access, _) = try boundTokens(harness, key)
        let proof = try key.proof("GET", Self.userinfoURI, now: harness.clock.now, accessToken: access)

        let response = userinfo(harness, "Bearer " + access, proof: proof)
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"]?.hasPrefix("DPoP error=\"invalid_token\"") == true)
    }

    @Test func unboundTokenAsDPoP_isRefused() throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let request = ClientRequest()
        let location = freshCode(harness, request)
        let access = try #require(redeem(harness, location, request, proof: nil).jsonBody?["access_token"]?.stringValue)
        let proof = try key.proof("GET", Self.userinfoURI, now: harness.clock.now, accessToken: access)

        #expect(userinfo(harness, "DPoP " + access, proof: proof).status == 401)
        #expect(userinfo(harness, "Bearer " + access, proof: nil).status == 200)
    }

    @Test(arguments: ["none", "ath", "htm", "htu", "iat", "key"])
    func userinfo_refusesBadProof(_ flaw: String) throws {
        let harness = try Harness()
        let key = try DPoPKey()
        let (access, _) = try boundTokens(harness, key)
        let now = harness.clock.now
        let proof: String? =
            switch flaw {
            case "none": nil
            case "ath": try key.proof("GET", Self.userinfoURI, now: now, accessToken: access + "x")
            case "htm": try key.proof("POST", Self.userinfoURI, now: now, accessToken: access)
            case "htu": try key.proof("GET", Self.tokenURI, now: now, accessToken: access)
            case "iat": try key.proof("GET", Self.userinfoURI, now: now.addingTimeInterval(-61), accessToken: access)
            default: try DPoPKey().proof("GET", Self.userinfoURI, now: now, accessToken: access)
            }

        let response = userinfo(harness, "DPoP " + access, proof: proof)
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"]?.hasPrefix("DPoP error=\"invalid_dpop_proof\"") == true)
        harness.assertLogsHold(none: [access, proof ?? ""])
    }

    @Test func decide_checksProofAgainstForwardedRequest_andChallengesWithDPoP() throws {
        let harness = try BankPolicy.harness()
        let key = try DPoPKey()
        let (access, _) = try boundTokens(harness, key)
        let uri = "https://bank.example/bank/payees"
        var client = harness.browser()
        func ask(_ proof: String?, scheme: String = "DPoP") -> HTTPResponse {
            var headers = [("Authorization", scheme + " " + access)]
            if let proof { headers.append(("DPoP", proof)) }
            return client.decide(Forwarded(method: "POST", uri: "/bank/payees", headers: headers))
        }

        #expect(ask(try key.proof("POST", uri, now: harness.clock.now, accessToken: access)).status == 200)
        let wrongURI = ask(
            try key.proof("POST", "https://bank.example/bank/balance", now: harness.clock.now, accessToken: access)
        )
        #expect(wrongURI.headers["WWW-Authenticate"]?.hasPrefix("DPoP error=\"invalid_dpop_proof\"") == true)
        let bearer = ask(nil, scheme: "Bearer")
        #expect(bearer.headers["WWW-Authenticate"]?.hasPrefix("DPoP error=\"invalid_token\"") == true)

        harness.clock.advance(by: 301)
        let stale = ask(try key.proof("POST", uri, now: harness.clock.now, accessToken: access))
        #expect(stale.status == 401)
        #expect(stale.headers["WWW-Authenticate"]?.hasPrefix("DPoP error=\"insufficient_user_authentication\"") == true)
    }

    @Test func discovery_listsDPoPAlgorithms() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let document = browser.send(.get, "/.well-known/openid-configuration").jsonBody
        #expect(document?["dpop_signing_alg_values_supported"] == ["ES256"])
    }
}
