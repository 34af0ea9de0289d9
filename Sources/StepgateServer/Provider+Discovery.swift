import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP

extension Provider {
    /// The discovery document (OpenID Connect Discovery 1.0 §3), built once at start.
    static func discovery(_ configuration: ServerConfiguration) -> JSONValue {
        let issuer = configuration.issuer
        let strings: ([String]) -> JSONValue = { .array($0.map(JSONValue.string)) }
        return .object([
            "issuer": .string(issuer),
            "authorization_endpoint": .string(issuer + "/authorize"),
            "token_endpoint": .string(issuer + "/token"),
            "userinfo_endpoint": .string(issuer + "/userinfo"),
            "jwks_uri": .string(issuer + "/jwks.json"),
            "revocation_endpoint": .string(issuer + "/revoke"),
            "introspection_endpoint": .string(issuer + "/introspect"),
            "end_session_endpoint": .string(issuer + "/logout"),
            "response_types_supported": strings(["code"]),
            "response_modes_supported": strings(["query"]),
            "grant_types_supported": strings(["authorization_code", "refresh_token"]),
            "subject_types_supported": strings(["public"]),
            "id_token_signing_alg_values_supported": strings(["ES256"]),
            "token_endpoint_auth_methods_supported": strings(["client_secret_basic", "client_secret_post", "none"]),
            "revocation_endpoint_auth_methods_supported": strings(["client_secret_basic", "client_secret_post", "none"]
            ),
            "introspection_endpoint_auth_methods_supported": strings(["client_secret_basic", "client_secret_post"]),
            "scopes_supported": strings(["openid", "profile", "offline_access"]),
            "claims_supported": strings([
                "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "preferred_username",
            ]),
            "acr_values_supported": strings(configuration.assurance.supportedACRValues),
            "code_challenge_methods_supported": strings(["S256"]),
            "dpop_signing_alg_values_supported": strings(["ES256"]),
            "prompt_values_supported": strings(["none", "login"]),
            "claims_parameter_supported": false,
            "request_parameter_supported": false,
            "request_uri_parameter_supported": false,
            "authorization_response_iss_parameter_supported": true,
            "authorization_details_types_supported": strings(configuration.policy?.boundActionNames ?? []),
        ])
    }

    func discovery(_ request: HTTPRequest) -> HTTPResponse {
        var response = HTTPResponse.json(200, discoveryDocument)
        response.headers.set("Cache-Control", "public, max-age=300")
        return response
    }

    func jwks(_ request: HTTPRequest) throws -> HTTPResponse {
        var response = HTTPResponse.json(200, try keys.snapshot().jwks)
        // Short, so a rotation reaches relying parties soon; the previous key stays published.
        response.headers.set("Cache-Control", "public, max-age=60")
        return response
    }

    func home(_ request: HTTPRequest) -> HTTPResponse {
        let demo = configuration.demo ? "<p><a href=\"/demo\">Open the demo application</a></p>" : ""
        let body = """
            <p>Stepgate is an OpenID Connect provider that asks for stronger, fresher proof when an \
            action carries more risk.</p>
            \(demo)
            <p class="note">Discovery: <code>/.well-known/openid-configuration</code></p>
            """
        return .html(200, HTML.page(title: "Stepgate", body: body))
    }

    func webAuthnScript(_ request: HTTPRequest) -> HTTPResponse {
        var response = HTTPResponse(status: 200, body: Array(WebAuthnScript.source.utf8))
        response.headers.set("Content-Type", "text/javascript; charset=utf-8")
        response.headers.set("Cache-Control", "public, max-age=3600")
        return response
    }

    func stylesheet(_ request: HTTPRequest) -> HTTPResponse {
        var response = HTTPResponse(status: 200, body: Array(HTML.stylesheet.utf8))
        response.headers.set("Content-Type", "text/css; charset=utf-8")
        response.headers.set("Cache-Control", "public, max-age=3600")
        return response
    }

    /// Ready when the store answers a query.
    func readiness(_ request: HTTPRequest) throws -> HTTPResponse {
        do {
            _ = try store.client(id: "")
            return .text(200, "ready\n")
        } catch {
            logger.warning("store not ready", [LogKey.requestID: request.requestID])
            return HTTPResponse(status: 503, body: Array("store unavailable\n".utf8))
        }
    }

    func metricsPage(_ request: HTTPRequest) -> HTTPResponse {
        var response = HTTPResponse(status: 200, body: Array((metrics.render() + outboxGauge()).utf8))
        response.headers.set("Content-Type", "text/plain; version=0.0.4")
        return response
    }
}
