import Dispatch
import StepgateCore
import StepgateHTTP
import Synchronization
import Testing

@Suite struct HTTPServerTests {
    private static let securityHeaders = [
        "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
        "Cache-Control", "X-Request-ID",
    ]

    private static func echo(_ request: HTTPRequest) -> HTTPResponse {
        var response = HTTPResponse.text(200, "\(request.method) \(request.path) \(request.query)")
        response.body += request.body
        return response
    }

    @Test func get_roundTripsPathAndQuery() throws {
        let test = try TestServer(handler: Self.echo)
        let response = try test.send(.get, "/hello?a=1&b=%20x")
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "GET /hello a=1&b=%20x")
        #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
    }

    @Test func post_deliversBodyAndHeaders() throws {
        let seen = Mutex<HTTPRequest?>(nil)
        let test = try TestServer { request in
            seen.withLock { $0 = request }
            return .text(201, "ok")
        }
        let response = try test.send(
            .post,
            "/submit",
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Custom", "v1")],
            body: Array("a=1&b=two".utf8)
        )
        #expect(response.status == 201)
        let request = try #require(seen.withLock { $0 })
        #expect(request.method == .post)
        #expect(request.body == Array("a=1&b=two".utf8))
        #expect(request.headers["x-custom"] == "v1")
        #expect(request.remoteAddress == "127.0.0.1")
        #expect(try request.formBody().value("b") == "two")
        #expect(request.requestID.utf8.count == 22)
        #expect(response.headers["X-Request-ID"] == request.requestID)
    }

    @Test func head_hasNoBody() throws {
        let test = try TestServer { _ in .text(200, "a body that HEAD must not carry") }
        let response = try test.send(.head, "/")
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.headers["X-Frame-Options"] == "DENY")
    }

    @Test(arguments: [200, 404])
    func response_carriesSecurityHeaders(status: Int) throws {
        let test = try TestServer { _ in .text(status, "x") }
        let response = try test.send(.get, "/")
        #expect(response.status == status)
        for name in Self.securityHeaders {
            #expect(response.headers[name] != nil, "missing \(name)")
        }
        #expect(response.headers["X-Content-Type-Options"] == "nosniff")
        #expect(response.headers["Referrer-Policy"] == "no-referrer")
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.headers["Content-Security-Policy"] == HTTPServer.Configuration().contentSecurityPolicy)
        #expect(response.headers["Strict-Transport-Security"] == nil)
    }

    @Test func strictTransportSecurity_sentWhenConfigured() throws {
        let test = try TestServer(configure: { $0.strictTransportSecurity = true }) { _ in .text(200, "x") }
        let response = try test.send(.get, "/")
        #expect(response.headers["Strict-Transport-Security"] == "max-age=31536000")
    }

    @Test func handlerCacheControl_isKept() throws {
        let test = try TestServer { _ in
            var response = HTTPResponse.text(200, "public")
            response.headers.set("Cache-Control", "public, max-age=300")
            return response
        }
        let response = try test.send(.get, "/jwks")
        #expect(response.headers.values("Cache-Control") == ["public, max-age=300"])
    }

    @Test func body_atLimitIsAccepted() throws {
        let test = try TestServer(configure: { $0.maxBodyBytes = 1_000 }) { .text(200, "\($0.body.count)") }
        let response = try test.send(.post, "/", body: [UInt8](repeating: 65, count: 1_000))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "1000")
    }

    @Test func body_overLimitGets413WithSecurityHeaders() throws {
        let called = Mutex(false)
        let test = try TestServer(configure: { $0.maxBodyBytes = 1_000 }) { _ in
            called.withLock { $0 = true }
            return .text(200, "x")
        }
        let response = try test.send(.post, "/", body: [UInt8](repeating: 65, count: 1_001))
        #expect(response.status == 413)
        #expect(called.withLock { $0 } == false)
        for name in Self.securityHeaders {
            #expect(response.headers[name] != nil, "missing \(name)")
        }
        #expect(test.accessLines.last?.metadata[LogKey.status] == "413")
    }

    @Test func body_overLimitWithExpectContinueGets413() throws {
        let test = try TestServer(configure: { $0.maxBodyBytes = 1_000 }) { _ in .text(200, "x") }
        let response = try test.send(
            .post,
            "/",
            headers: [("Expect", "100-continue")],
            body: [UInt8](repeating: 65, count: 200_000)
        )
        #expect(response.status == 413)
    }

    @Test func defaultBodyLimit_isExactly65536() throws {
        let test = try TestServer { .text(200, "\($0.body.count)") }
        #expect(try test.send(.post, "/", body: [UInt8](repeating: 1, count: 65_536)).status == 200)
        #expect(try test.send(.post, "/", body: [UInt8](repeating: 1, count: 65_537)).status == 413)
    }
}
