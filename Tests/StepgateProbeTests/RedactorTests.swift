import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateProbe
import Testing

@Suite struct RedactorTests {
    static let password = "correct horse battery"
    static let jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlLWJ5dGVz"

    @Test func url_removesSecretParametersAndKeepsTheRest() {
        let redactor = Redactor(secrets: [])
        let url = "http://rp.example/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj&iss=http%3A%2F%2Fx&ticket=abc.def"
        let redacted = redactor.url(url)
        for secret in ["SplxlOBeZQQYbYS6WxSbIA", "af0ifjsldkj", "abc.def"] { #expect(!redacted.contains(secret)) }
        #expect(redacted.contains("iss=http%3A%2F%2Fx"))
        #expect(redacted.hasPrefix("http://rp.example/cb?code=<redacted #"))
    }

    @Test func fingerprints_matchForTheSameValueOnly() {
        let redactor = Redactor(secrets: [])
        #expect(redactor.fingerprint("code-one") == redactor.fingerprint("code-one"))
        #expect(redactor.fingerprint("code-one") != redactor.fingerprint("code-two"))
    }

    @Test func headers_keepOnlySelectedOnesWithCredentialsRemoved() {
        let redactor = Redactor(secrets: [])
        let request = redactor.requestHeaders([
            ("Authorization", "Bearer \(Self.jwt)"), ("Cookie", "stepgate_session=s3ss10n-value; theme=dark"),
            ("X-Secret-Header", "leak"), ("Accept", "application/json"),
        ])
        let text = request.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        #expect(!text.contains(Self.jwt) && !text.contains("s3ss10n-value") && !text.contains("leak"))
        #expect(text.contains("Authorization: Bearer <redacted #") && text.contains("stepgate_session=<redacted #"))
        let response = redactor.responseHeaders(
            HTTPHeaders([
                ("Set-Cookie", "stepgate_session=n3w-session-id; Path=/; HttpOnly"),
                ("Location", "/cb?code=the-code-value&state=st4te"), ("Server", "x"),
            ])
        )
        let shown = response.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        #expect(!shown.contains("n3w-session-id") && !shown.contains("the-code-value") && !shown.contains("st4te"))
        #expect(shown.contains("Path=/; HttpOnly") && !shown.contains("Server"))
        #expect(!redactor.text("later the session n3w-session-id appears in text").contains("n3w-session-id"))
    }

    @Test func bodies_removeSecretsFromJSONFormsAndHTML() throws {
        let redactor = Redactor(secrets: [Self.password])
        let json =
            #"{"access_token":"opaque-access-value","nested":{"refresh_token":"r3fresh","list":[{"password":"pw-in-list"}]},"note":"said \#(Self.password)","id_token":"\#(Self.jwt)","redirect_to":"https://rp/cb?code=c0de-in-json&state=s"}"#
        let fromJSON = try #require(redactor.body(Array(json.utf8), contentType: "application/json"))
        let form = "grant_type=refresh_token&refresh_token=f0rm-refresh&otp=123456&client_id=probe"
        let fromForm = try #require(redactor.body(Array(form.utf8), contentType: "application/x-www-form-urlencoded"))
        let html =
            #"<form><input value="csrf-token-value" type="hidden" name="csrf"><input name="otp" value="654321"></form>"#
        let fromHTML = try #require(redactor.body(Array(html.utf8), contentType: "text/html"))
        let secrets = [
            "opaque-access-value", "r3fresh", "pw-in-list", Self.password, Self.jwt, "c0de-in-json", "f0rm-refresh",
            "123456", "csrf-token-value", "654321",
        ]
        for secret in secrets {
            for excerpt in [fromJSON, fromForm, fromHTML] { #expect(!excerpt.contains(secret), "\(secret) survived") }
        }
        #expect(fromForm.contains("client_id=probe"))
    }

    @Test func text_removesJWTsAndCutJSON() {
        let redactor = Redactor(secrets: [])
        #expect(!redactor.text("token \(Self.jwt) here").contains("eyJzdWIi"))
        #expect(!redactor.text(#"{"code": "cut-short-code-val"#).contains("cut-short-code-val"))
        #expect(!redactor.text("ceremony=abc123456789 and data-challenge=\"chall3nge\"").contains("chall3nge"))
    }

    @Test func excerpts_areAtMost512BytesAfterRedaction() throws {
        let redactor = Redactor(secrets: [])
        let long = String(repeating: "é", count: 2_000)
        let excerpt = try #require(redactor.body(Array(long.utf8), contentType: "text/plain"))
        #expect(excerpt.utf8.count <= Redactor.excerptLimit + "…".utf8.count)
        #expect(excerpt.hasSuffix("…"))
        #expect(redactor.body([0xFF, 0xFE, 0x00], contentType: nil) == "<3 bytes, not text>")
    }

    /// A whole exchange with a server that answers with secrets everywhere: the kept evidence,
    /// encoded as the JSON report would, holds none of them.
    @Test func clientSession_recordsNoSecret() throws {
        let server = HTTPServer(
            configuration: HTTPServer.Configuration(),
            logger: Logger(label: "test", handler: DiscardingLogHandler())
        ) { _ in
            var response = HTTPResponse.json(
                200,
                Array(
                    #"{"access_token":"srv-access-token","refresh_token":"srv-refresh","id_token":"\#(Self.jwt)"}"#.utf8
                )
            )
            response.headers.add("Set-Cookie", "stepgate_session=srv-session-cookie; Path=/; HttpOnly")
            response.headers.add("Location", "/cb?code=srv-code-value&state=srv-state")
            return response
        }
        try server.start()
        defer { server.stop() }
        let evidence = EvidenceLog()
        let redactor = Redactor(secrets: [Self.password])
        let session = ClientSession(
            label: "test",
            http: HTTPClient(),
            evidence: evidence,
            redactor: redactor,
            clock: SystemClock()
        )
        let base = "http://127.0.0.1:\(server.port)"
        _ = try session.postForm(
            base + "/token?code=url-code-value",
            [("password", Self.password), ("code_verifier", "verifier-value-1234"), ("refresh_token", "old-refresh")],
            headers: [("Authorization", "Basic cHJvYmU6c2VjcmV0")],
            note: "send \(Self.password)"
        )
        _ = try session.get(base + "/next", note: "the cookie goes back")
        #expect(session.cookie(named: "stepgate_session") == "srv-session-cookie")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let report = String(decoding: try encoder.encode(evidence.exchanges), as: UTF8.self)
        let secrets = [
            Self.password, "url-code-value", "verifier-value-1234", "old-refresh", "cHJvYmU6c2VjcmV0",
            "srv-access-token",
            "srv-refresh", "eyJzdWIi", "srv-session-cookie", "srv-code-value", "srv-state",
        ]
        for secret in secrets { #expect(!report.contains(secret), "\(secret) reached the evidence") }
        #expect(evidence.exchanges.count == 2)
        #expect(evidence.exchanges.allSatisfy { $0.status == 200 })
    }
}
