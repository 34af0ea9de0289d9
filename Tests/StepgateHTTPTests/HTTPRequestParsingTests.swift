import StepgateHTTP
import Testing

@Suite struct HTTPRequestParsingTests {
    private static func request(authorization: String) -> HTTPRequest {
        HTTPRequest(method: .get, path: "/", headers: HTTPHeaders([("Authorization", authorization)]))
    }

    @Test(arguments: [
        ("Bearer abc.def-ghi_jkl~m+n/o", "abc.def-ghi_jkl~m+n/o"),
        ("bearer tok", "tok"),
        ("BEARER tok==", "tok=="),
        ("Bearer   spaced", "spaced"),
    ])
    func bearerToken_readsValidToken(_ header: String, _ token: String) {
        #expect(Self.request(authorization: header).bearerToken == token)
    }

    @Test(arguments: [
        "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearertok", "Bearer a b", "Bearer =abc", "Bearer a=b", "Bearer é",
    ])
    func bearerToken_rejectsInvalidHeader(_ header: String) {
        #expect(Self.request(authorization: header).bearerToken == nil)
    }

    @Test func bearerToken_isNilWithoutHeader() {
        #expect(HTTPRequest(method: .get, path: "/").bearerToken == nil)
    }

    @Test(arguments: [
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
        "Application/X-WWW-Form-Urlencoded",
    ])
    func formBody_acceptsFormContentType(_ contentType: String) throws {
        let request = HTTPRequest(
            method: .post,
            path: "/token",
            headers: HTTPHeaders([("Content-Type", contentType)]),
            body: Array("grant_type=authorization_code".utf8)
        )
        #expect(try request.formBody().value("grant_type") == "authorization_code")
    }

    @Test(arguments: ["application/json", "text/plain", "multipart/form-data; boundary=x", ""])
    func formBody_rejectsOtherContentType(_ contentType: String) {
        let request = HTTPRequest(
            method: .post,
            path: "/token",
            headers: HTTPHeaders(contentType.isEmpty ? [] : [("Content-Type", contentType)]),
            body: Array("a=1".utf8)
        )
        #expect(throws: HTTPFormError(.unsupportedContentType)) { try request.formBody() }
    }

    @Test func queryItems_parsesQueryAndIsEmptyWhenMalformed() throws {
        let good = HTTPRequest(method: .get, path: "/authorize", query: "client_id=app&scope=openid+email")
        #expect(good.queryItems.value("scope") == "openid email")
        #expect(try good.parseQuery().value("client_id") == "app")

        let bad = HTTPRequest(method: .get, path: "/authorize", query: "client_id=%zz")
        #expect(bad.queryItems.fields.isEmpty)
        #expect { try bad.parseQuery() } throws: { ($0 as? HTTPFormError)?.code == .invalidPercentEncoding }
    }

    @Test func responseBuilders_setContentTypes() {
        #expect(HTTPResponse.html("x").headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(HTTPResponse.json(201, Array("{}".utf8)).headers["Content-Type"] == "application/json")
        #expect(HTTPResponse.json(201, []).status == 201)
        #expect(HTTPResponse.text(400, "bad").body == Array("bad".utf8))
        let redirect = HTTPResponse.redirect(to: "/login")
        #expect(redirect.status == 303)
        #expect(redirect.headers["Location"] == "/login")
        #expect(redirect.body.isEmpty)
    }
}

@Suite struct RouterTests {
    @Test func handle_dispatchesByPathAndMethod() {
        var router = Router()
        router.add(.get, "/a") { _ in .text(200, "get a") }
        router.add(.post, "/a") { _ in .text(200, "post a") }
        #expect(router.handle(HTTPRequest(method: .get, path: "/a")).body == Array("get a".utf8))
        #expect(router.handle(HTTPRequest(method: .post, path: "/a")).body == Array("post a".utf8))
        #expect(router.routes == ["/a"])
    }

    @Test func handle_unknownPathIs404() {
        var router = Router()
        router.add(.get, "/a") { _ in .text(200, "a") }
        #expect(router.handle(HTTPRequest(method: .get, path: "/a/")).status == 404)
        #expect(router.handle(HTTPRequest(method: .get, path: "/b")).status == 404)
    }

    @Test func handle_otherMethodIs405WithAllow() {
        var router = Router()
        router.add(.get, "/a") { _ in .text(200, "a") }
        router.add(.post, "/a") { _ in .text(200, "a") }
        let response = router.handle(HTTPRequest(method: .delete, path: "/a"))
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "GET, HEAD, POST")
    }

    @Test func handle_headFallsBackToGet() {
        var router = Router()
        router.add(.get, "/a") { _ in .text(200, "a") }
        #expect(router.handle(HTTPRequest(method: .head, path: "/a")).status == 200)
    }

    @Test func handle_headWithoutGetIs405() {
        var router = Router()
        router.add(.post, "/a") { _ in .text(200, "a") }
        #expect(router.handle(HTTPRequest(method: .head, path: "/a")).status == 405)
    }
}
