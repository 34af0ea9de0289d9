import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import Testing

@testable import StepgateServer

/// One authorization request as a client sends it, and the secrets the client keeps.
struct ClientRequest {
    var clientID = "app"
    var redirectURI = Harness.redirectURI
    var acr: String? = "aal2"
    var maxAge: Int?
    var prompt: String?
    var state = "state-" + UUID().uuidString
    var nonce = "nonce-" + UUID().uuidString
    var verifier = "verifier-" + UUID().uuidString + "-" + UUID().uuidString
    var extra: [(String, String)] = []

    var target: String {
        var fields: [(String, String)] = [
            ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI),
            ("scope", "openid profile"), ("state", state), ("nonce", nonce),
            ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"),
        ]
        if let acr { fields.append(("acr_values", acr)) }
        if let maxAge { fields.append(("max_age", "\(maxAge)")) }
        if let prompt { fields.append(("prompt", prompt)) }
        return "/authorize?" + Browser.encode(fields + extra)
    }
}

extension Harness {
    /// Sends `/authorize` and returns the response (a redirect to `/login` or to the client).
    func authorize(_ browser: inout Browser, _ request: ClientRequest) -> HTTPResponse {
        browser.send(.get, request.target)
    }

    /// Opens the login page the authorize redirect points to.
    func open(_ browser: inout Browser, _ location: String?) -> HTTPResponse {
        browser.send(.get, location ?? "/login?flow=missing")
    }

    /// Answers the page `page` with `fields`, carrying its flow, CSRF token and step.
    func answer(_ browser: inout Browser, _ page: HTTPResponse, _ fields: [(String, String)]) -> HTTPResponse {
        let carried = ["flow", "csrf", "step"].compactMap { name in page.hiddenField(name).map { (name, $0) } }
        return browser.send(.post, "/login", form: carried + fields)
    }

    func passwordFields(_ password: String = Harness.password, user: String = "alice") -> [(String, String)] {
        [("username", user), ("password", password)]
    }

    /// Runs the whole flow with password (and TOTP when asked) and returns the client redirect.
    func signIn(_ browser: inout Browser, _ request: ClientRequest, sourceLocation: SourceLocation = #_sourceLocation)
        -> String?
    {
        let start = authorize(&browser, request)
        guard start.status == 303, let location = start.location else {
            Issue.record("authorize answered \(start.status)", sourceLocation: sourceLocation)
            return nil
        }
        if !location.hasPrefix("/login") { return location }
        var page = open(&browser, location)
        for _ in 0..<3 {
            switch page.hiddenField("step") {
            case "password": page = answer(&browser, page, passwordFields())
            case "otp": page = answer(&browser, page, [("otp", totp())])
            default:
                #expect(page.status == 303, "flow ended with \(page.status)", sourceLocation: sourceLocation)
                return page.location
            }
        }
        Issue.record("flow did not finish", sourceLocation: sourceLocation)
        return nil
    }

    /// Redeems the code in `location` at `/token` as the public client.
    func redeem(_ location: String?, _ request: ClientRequest, verifier: String? = nil) -> HTTPResponse {
        var browser = self.browser()
        let code = location.map(queryParameters)?["code"] ?? ""
        return browser.send(
            .post,
            "/token",
            form: [
                ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", request.redirectURI),
                ("client_id", request.clientID), ("code_verifier", verifier ?? request.verifier),
            ]
        )
    }

    /// The verified claims of a JWT this provider signed.
    func claims(_ token: String?) throws -> JSONValue {
        let verified = try provider.keys.verify(token ?? "")
        return try JSONValue.parse(verified.payload)
    }
}
