import StepgateCore
import StepgateHTTP
import Testing

@Suite struct HTTPServerLoggingTests {
    @Test func accessLog_hasRouteAndNoSecrets() throws {
        let test = try TestServer { _ in .text(200, "ok") }
        let response = try test.send(
            .post,
            "/token?code=QUERYSECRET",
            headers: [("Cookie", "sid=COOKIESECRET"), ("Authorization", "Bearer HEADERSECRET")],
            body: Array("password=BODYSECRET".utf8)
        )
        #expect(response.status == 200)
        let lines = test.accessLines
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.level == .info)
        #expect(line.metadata[LogKey.method] == "POST")
        #expect(line.metadata[LogKey.route] == "/token")
        #expect(line.metadata[LogKey.status] == "200")
        #expect(line.metadata[LogKey.durationMS] != nil)
        #expect(line.metadata[LogKey.requestID] == response.headers["X-Request-ID"])
        for secret in ["QUERYSECRET", "COOKIESECRET", "HEADERSECRET", "BODYSECRET", "code="] {
            #expect(!test.log.text.contains(secret), "log holds \(secret)")
        }
    }

    @Test func routerServer_logsUnknownPathsAsUnmatched() throws {
        var router = Router()
        router.add(.get, "/known") { _ in .text(200, "ok") }
        let test = try TestServer(router: router)
        _ = try test.send(.get, "/known")
        _ = try test.send(.get, "/unknown-SECRETPATH")
        #expect(test.accessLines.map { $0.metadata[LogKey.route] } == ["/known", "unmatched"])
        #expect(!test.log.text.contains("SECRETPATH"))
    }

    @Test func routerServer_answers404And405() throws {
        var router = Router()
        router.add(.get, "/page") { _ in .text(200, "page") }
        router.add(.post, "/page") { _ in .text(200, "posted") }
        router.add(.delete, "/item") { _ in .text(204, "") }
        let test = try TestServer(router: router)

        let missing = try test.send(.get, "/nope")
        #expect(missing.status == 404)
        #expect(missing.headers["X-Content-Type-Options"] == "nosniff")

        let wrong = try test.send(.get, "/item")
        #expect(wrong.status == 405)
        #expect(wrong.headers["Allow"] == "DELETE")
        #expect(wrong.headers["Content-Security-Policy"] != nil)

        let head = try test.send(.head, "/page")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(try test.send(.post, "/page").body == Array("posted".utf8))
    }

    @Test func invalidResponseHeader_becomes500() throws {
        let test = try TestServer { _ in
            var response = HTTPResponse.text(200, "x")
            response.headers.add("X-Split", "a\r\nSet-Cookie: evil=1")
            return response
        }
        let response = try test.send(.get, "/")
        #expect(response.status == 500)
        #expect(response.headers["Set-Cookie"] == nil)
        #expect(test.log.entries.contains { $0.level == .error })
    }
}
