import Foundation
import StepgateCore
import StepgateHTTP
import Testing

@testable import StepgateServer

/// `/authorize` refusals: untrusted ones show a page and never redirect; the rest go back to the
/// client with the standard error. None of them stores anything.
@Suite struct AuthorizeRejectionTests {
    static let redirectVariants = [
        "https://app.example/cb/", "https://APP.example/cb", "https://app.example/CB", "http://app.example/cb",
        "https://app.example/cb?x=1", "https://app.example/cb#frag", "https://app.example:443/cb",
        "https://app.example/cb/../cb", "https://evil.example/cb", "https://app.example.evil.example/cb", "",
    ]

    @Test(arguments: redirectVariants)
    func redirectURIVariant_showsErrorPage_neverRedirects(variant: String) throws {
        let harness = try Harness()
        var browser = harness.browser()
        let before = try harness.snapshot()

        let response = harness.authorize(&browser, ClientRequest(redirectURI: variant))
        #expect(response.status == 400)
        #expect(response.location == nil)
        #expect(try harness.snapshot() == before)
    }

    @Test func unknownClient_showsErrorPage() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let response = harness.authorize(&browser, ClientRequest(clientID: "nobody"))
        #expect(response.status == 400)
        #expect(response.location == nil)
    }

    @Test func repeatedRedirectURI_showsErrorPage() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let response = harness.authorize(&browser, ClientRequest(extra: [("redirect_uri", "https://evil.example/cb")]))
        #expect(response.status == 400)
        #expect(response.location == nil)
    }

    static let clientErrors: [(String, [(String, String)], String)] = [
        ("missing PKCE", [("code_challenge", "")], "invalid_request"),
        ("plain PKCE", [("code_challenge_method", "plain")], "invalid_request"),
        ("token flow", [("response_type", "token")], "unsupported_response_type"),
        ("no openid", [("scope", "profile")], "invalid_scope"),
        ("bad max_age", [("max_age", "-5")], "invalid_request"),
        ("unknown prompt", [("prompt", "consent")], "invalid_request"),
        ("request object", [("request", "eyJ.x.y")], "invalid_request"),
        ("repeated state", [("state", "second")], "invalid_request"),
    ]

    @Test(arguments: 0..<clientErrors.count)
    func invalidParameter_redirectsWithError(index: Int) throws {
        let (_, override, expected) = Self.clientErrors[index]
        let harness = try Harness()
        var browser = harness.browser()
        let before = try harness.snapshot()
        var request = ClientRequest(acr: "aal1")
        let replaced = Set(override.map(\.0)).subtracting(["state"])
        var target = request.target
        if !replaced.isEmpty {
            let kept = (try FormData.parse(query: String(target.dropFirst("/authorize?".count)))).fields
                .filter { !replaced.contains($0.0) }
            target = "/authorize?" + Browser.encode(kept + override)
        } else {
            request.extra = override
            target = request.target
        }

        let response = browser.send(.get, target)
        #expect(response.status == 303)
        let parameters = queryParameters(try #require(response.location))
        #expect(parameters["error"] == expected)
        #expect(parameters["code"] == nil)
        #expect(parameters["iss"] == "https://id.example")
        #expect(try harness.snapshot() == before)
    }

    @Test func malformedQuery_showsErrorPage() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let response = browser.send(.get, "/authorize?client_id=app&redirect_uri=%zz")
        #expect(response.status == 400)
        #expect(response.location == nil)
    }

    @Test func postForm_isAccepted() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal1")
        let query = String(request.target.dropFirst("/authorize?".count))
        let fields = try FormData.parse(query: query).fields

        let response = browser.send(.post, "/authorize", form: fields)
        #expect(response.location?.hasPrefix("/login?flow=") == true)
    }
}
