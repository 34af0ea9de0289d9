import StepgateHTTP
import Synchronization
import Testing

@Suite struct HTTPClientTests {
    @Test func send_doesNotFollowRedirects() throws {
        let test = try TestServer { request in
            request.path == "/from" ? .redirect(to: "/to") : .text(200, "followed")
        }
        let response = try test.send(.get, "/from")
        #expect(response.status == 303)
        #expect(response.headers["Location"] == "/to")
        #expect(response.body.isEmpty)
    }

    @Test func send_putsCustomMethodAndBody() throws {
        let seen = Mutex<String>("")
        let test = try TestServer { request in
            seen.withLock { $0 = "\(request.method) \(String(decoding: request.body, as: UTF8.self))" }
            return .json(Array("{}".utf8))
        }
        let response = try test.send(.put, "/thing", body: Array("payload".utf8))
        #expect(seen.withLock { $0 } == "PUT payload")
        #expect(response.headers["Content-Type"] == "application/json")
    }

    @Test func send_keepsRepeatedResponseHeaders() throws {
        let test = try TestServer { _ in
            var response = HTTPResponse.text("x")
            response.setCookie(try! SetCookie(name: "a", value: "1"))
            response.setCookie(try! SetCookie(name: "b", value: "2"))
            return response
        }
        let cookies = try test.send(.get, "/").headers.values("set-cookie")
        #expect(
            cookies == ["a=1; Path=/; HttpOnly; Secure; SameSite=Lax", "b=2; Path=/; HttpOnly; Secure; SameSite=Lax"]
        )
    }

    @Test func send_toClosedPortFailsToConnect() throws {
        let port: Int
        do {
            let test = try TestServer { _ in .text("x") }
            port = test.server.port
        }
        #expect {
            try HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/", timeoutSeconds: 2))
        } throws: { ($0 as? HTTPClientError)?.code == .connectFailed }
    }

    @Test(arguments: ["ftp://127.0.0.1/", "not a url", "file:///etc/passwd"])
    func send_rejectsOtherSchemes(_ url: String) {
        #expect {
            try HTTPClient().send(HTTPClientRequest(url: url))
        } throws: { ($0 as? HTTPClientError)?.code == .invalidRequest }
    }

    @Test func send_rejectsHeaderWithLineBreak() {
        #expect {
            try HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:1/", headers: [("X", "a\r\nY: b")]))
        } throws: { ($0 as? HTTPClientError)?.code == .invalidRequest }
    }

    @Test func send_stopsReadingPastMaxResponseBytes() throws {
        let test = try TestServer { _ in .text(200, String(repeating: "x", count: 100_000)) }
        let url = test.url("/big")

        let error = #expect(throws: HTTPClientError.self) {
            _ = try test.client.send(HTTPClientRequest(url: url, maxResponseBytes: 1_000))
        }
        #expect(error?.code == .transferFailed)
        #expect(try test.client.send(HTTPClientRequest(url: url, maxResponseBytes: 100_000)).body.count == 100_000)
    }
}
