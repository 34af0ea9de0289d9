import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP

/// A tiny relying party at `/demo`, on only with `demo = true`: it drives the real code flow
/// with PKCE against this provider, as the public client `demo`, and shows what came back.
extension Provider {
    static let demoClientID = "demo"
    private var demoCookieName: String { "stepgate_demo" }
    private var demoRedirectURI: String { configuration.issuer + "/demo/callback" }

    func demoStart(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let query = try? request.parseQuery() else { return errorPage(400, "The request is malformed.") }
        guard let level = (try? query.single("acr")) ?? nil else {
            let body = """
                <p>A pretend bank that uses Stepgate. Viewing the balance needs a password
                (<code>aal1</code>); paying someone needs a password and a fresh one-time code
                (<code>aal2</code>, at most 5 minutes old).</p>
                <p><a href="/demo?acr=aal1">View balance (aal1)</a></p>
                <p><a href="/demo?acr=aal2">Pay 250 EUR to A. Payee (aal2, max_age=300)</a></p>
                <p><a href="/logout">Sign out</a></p>
                """
            return .html(200, HTML.page(title: "Demo bank", body: body))
        }
        guard configuration.assurance.level(named: level) != nil else { return errorPage(400, "Unknown level.") }
        let state = random.token(byteCount: 16)
        let verifier = random.token(byteCount: 32)
        var parameters: [(String, String?)] = [
            ("response_type", "code"), ("client_id", Self.demoClientID), ("redirect_uri", demoRedirectURI),
            ("scope", "openid profile"), ("state", state), ("nonce", random.token(byteCount: 16)),
            ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"),
            ("acr_values", level),
        ]
        if level != configuration.assurance.levels.first?.name { parameters.append(("max_age", "300")) }
        let encoded = parameters.compactMap { name, value in
            value.map { "\(name)=\(AuthorizationRequest.percentEncode($0))" }
        }
        var response = HTTPResponse.redirect(to: "/authorize?" + encoded.joined(separator: "&"))
        response.setCookie(
            try SetCookie(
                name: demoCookieName,
                value: "\(state).\(verifier)",
                path: "/demo",
                maxAge: 600,
                httpOnly: true,
                secure: configuration.isSecure,
                sameSite: .lax
            )
        )
        return response
    }

    func demoCallback(_ request: HTTPRequest) throws -> HTTPResponse {
        guard let query = try? request.parseQuery() else { return errorPage(400, "The request is malformed.") }
        if let error = (try? query.single("error")) ?? nil {
            return errorPage(400, "The provider answered: \(error).")
        }
        let parts = request.cookies[demoCookieName]?.split(separator: ".").map(String.init) ?? []
        guard parts.count == 2, let state = (try? query.single("state")) ?? nil, constantTimeEquals(state, parts[0]),
            let code = (try? query.single("code")) ?? nil
        else { return errorPage(400, "The demo's state does not match; start again.") }
        let form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", demoRedirectURI),
            ("client_id", Self.demoClientID), ("code_verifier", parts[1]),
        ].map { "\($0)=\(AuthorizationRequest.percentEncode($1))" }.joined(separator: "&")
        let tokenResponse = funnel(request) {
            try token(
                HTTPRequest(
                    method: .post,
                    path: "/token",
                    headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded")]),
                    body: Array(form.utf8),
                    requestID: request.requestID
                )
            )
        }
        guard tokenResponse.status == 200, let body = try? JSONValue.parse(tokenResponse.body),
            let idToken = body["id_token"]?.stringValue, let verified = try? keys.verify(idToken),
            let claims = try? JSONValue.parse(verified.payload)
        else { return errorPage(502, "The code could not be redeemed.") }
        let shown = ["sub", "preferred_username", "acr", "amr", "auth_time", "iat", "exp"].compactMap { name in
            claims[name].map { value in
                let text = HTML.escape(String(decoding: value.serialized(), as: UTF8.self))
                return "<tr><th>\(name)</th><td><code>\(text)</code></td></tr>"
            }
        }
        let page = """
            <p>Signed in. The ID token, verified against this provider's JWKS, says:</p>
            <table>\(shown.joined())</table>
            <p><a href="/demo">Back to the demo bank</a></p>
            """
        var response = HTTPResponse.html(200, HTML.page(title: "Done", body: page))
        response.setCookie(
            try SetCookie.removal(name: demoCookieName, path: "/demo", secure: configuration.isSecure)
        )
        return response
    }
}
