import StepgateHTTP
import Synchronization
import Testing

@Suite struct HTTPConnectOverrideTests {
    @Test func send_connectsElsewhereButKeepsTheURLsHost() throws {
        let seen = Mutex<String?>(nil)
        let test = try TestServer { request in
            seen.withLock { $0 = request.headers["Host"] }
            return .text(200, "reached \(request.path)")
        }
        let override = HTTPConnectOverride(
            host: "target.invalid",
            port: 8443,
            connectHost: "127.0.0.1",
            connectPort: test.server.port
        )
        let request = HTTPClientRequest(
            url: "http://target.invalid:8443/through",
            timeoutSeconds: 5,
            connectTo: [override]
        )

        let response = try test.client.send(request)

        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "reached /through")
        #expect(seen.withLock { $0 } == "target.invalid:8443")
    }

    @Test func send_matchesAnyPortWhenNoneIsGiven() throws {
        let test = try TestServer { _ in .text(200, "ok") }
        let override = HTTPConnectOverride(
            host: "target.invalid",
            port: nil,
            connectHost: "127.0.0.1",
            connectPort: test.server.port
        )
        let request = HTTPClientRequest(url: "http://target.invalid/", timeoutSeconds: 5, connectTo: [override])

        #expect(try test.client.send(request).status == 200)
    }

    @Test func send_leavesOtherHostsAlone() throws {
        let test = try TestServer { _ in .text(200, "direct") }
        let override = HTTPConnectOverride(
            host: "elsewhere.invalid",
            port: nil,
            connectHost: "127.0.0.1",
            connectPort: 1
        )
        let request = HTTPClientRequest(url: test.url("/"), timeoutSeconds: 5, connectTo: [override])

        #expect(String(decoding: try test.client.send(request).body, as: UTF8.self) == "direct")
    }

    @Test(arguments: [
        HTTPConnectOverride(host: "a", port: 0, connectHost: "127.0.0.1", connectPort: 80),
        HTTPConnectOverride(host: "a", port: 80, connectHost: "", connectPort: 80),
        HTTPConnectOverride(host: "a", port: 80, connectHost: "127.0.0.1", connectPort: 70_000),
        HTTPConnectOverride(host: "a\r\nb", port: 80, connectHost: "127.0.0.1", connectPort: 80),
        HTTPConnectOverride(host: "::1", port: 80, connectHost: "127.0.0.1", connectPort: 80),
    ])
    func send_rejectsAnEntryCurlCannotRead(_ override: HTTPConnectOverride) {
        #expect {
            try HTTPClient().send(HTTPClientRequest(url: "http://a/", connectTo: [override]))
        } throws: { ($0 as? HTTPClientError)?.code == .invalidRequest }
    }
}
