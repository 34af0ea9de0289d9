import StepgateHTTP
import Testing

@testable import StepgateServer

/// Malformed bodies are the client's fault: a clear 4xx, never the generic 500, and nothing
/// changed (found by `stepgate probe`'s `payload.*` cases).
@Suite struct MalformedBodyTests {
    static func raw(_ harness: Harness, _ browser: Browser, path: String, type: String?, body: String)
        -> HTTPResponse
    {
        var headers: [(String, String)] = [("User-Agent", "TestBrowser/1.0")]
        if let type { headers.append(("Content-Type", type)) }
        if !browser.cookies.isEmpty {
            headers.append(("Cookie", browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        return harness.handler(
            HTTPRequest(
                method: .post,
                path: path,
                query: "",
                headers: HTTPHeaders(headers),
                body: Array(body.utf8),
                requestID: "test"
            )
        )
    }

    static let malformedForms: [(type: String?, body: String)] = [
        ("application/x-www-form-urlencoded", "csrf=abc%2"),
        ("application/x-www-form-urlencoded", "csrf=a&csrf=b"),
        ("application/json", "{\"csrf\":\"abc\"}"),
        (nil, "csrf=abc"),
    ]

    @Test(arguments: malformedForms.indices)
    func logout_malformedForm_answers400AndKeepsSession(_ index: Int) throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal1"))
        let before = try harness.snapshot()

        let (type, body) = Self.malformedForms[index]
        let response = Self.raw(harness, browser, path: "/logout", type: type, body: body)

        #expect(response.status == 400)
        #expect(try harness.snapshot() == before)
    }

    @Test func logout_malformedFormWithoutSession_answers400() throws {
        let harness = try Harness()
        let response = Self.raw(
            harness,
            harness.browser(),
            path: "/logout",
            type: "application/x-www-form-urlencoded",
            body: "csrf=%zz"
        )
        #expect(response.status == 400)
    }

    @Test(arguments: ["/demo?acr=%zz", "/demo/callback?code=%2", "/demo/callback?state=a&code=%"])
    func demo_malformedQuery_answers400(_ target: String) throws {
        let harness = try Harness { $0.demo = true }
        var browser = harness.browser()
        #expect(browser.send(.get, target).status == 400)
    }

    @Test(arguments: [HTTPFormError.Code.invalidPercentEncoding, .duplicateField, .unsupportedContentType])
    func funnel_formError_answers400InvalidRequest(_ code: HTTPFormError.Code) throws {
        let harness = try Harness()
        let request = HTTPRequest(method: .post, path: "/any", headers: HTTPHeaders([]), body: [], requestID: "test")
        let response = harness.provider.funnel(request) { throw HTTPFormError(code) }
        #expect(response.status == 400)
        #expect(response.jsonBody?["error"] == "invalid_request")
    }
}
