import Glibc
import StepgateCore
import StepgateHTTP
import Testing

@Suite struct HTTPServerLimitsTests {
    private static func bigHeader(_ size: Int) -> [(String, String)] {
        [("X-Big", String(repeating: "a", count: size))]
    }

    @Test func headers_withinLimitAreAccepted() throws {
        let test = try TestServer { _ in .text(200, "ok") }
        #expect(try test.send(.get, "/", headers: Self.bigHeader(16_000)).status == 200)
    }

    @Test func headers_overLimitGet431WithSecurityHeaders() throws {
        let test = try TestServer { _ in .text(200, "ok") }
        let response = try test.send(.get, "/", headers: Self.bigHeader(17_000))
        #expect(response.status == 431)
        #expect(response.headers["X-Request-ID"] != nil)
        #expect(response.headers["Connection"] == "close")
        #expect(test.accessLines.last?.metadata[LogKey.status] == "431")
    }

    /// Past the connection memory pool (twice the limit) libmicrohttpd itself answers 431,
    /// without our headers and without reaching the handler or the access log.
    @Test func headers_farOverLimitGet431FromLibmicrohttpd() throws {
        let test = try TestServer { _ in .text(200, "ok") }
        let response = try test.send(.get, "/", headers: Self.bigHeader(100_000))
        #expect(response.status == 431)
        #expect(response.headers["X-Request-ID"] == nil)
        #expect(test.accessLines.isEmpty)
    }

    @Test func chunkedBody_overLimitClosesTheConnection() throws {
        let test = try TestServer(configure: { $0.maxBodyBytes = 1_000 }) { _ in .text(200, "ok") }
        #expect(throws: HTTPClientError.self) {
            try test.send(
                .post,
                "/",
                headers: [("Transfer-Encoding", "chunked")],
                body: [UInt8](repeating: 65, count: 5_000)
            )
        }
        #expect(test.accessLines.last?.metadata[LogKey.status] == "413")
    }

    @Test func chunkedBody_withinLimitIsRead() throws {
        let test = try TestServer(configure: { $0.maxBodyBytes = 1_000 }) { .text(200, "\($0.body.count)") }
        let response = try test.send(
            .post,
            "/",
            headers: [("Transfer-Encoding", "chunked")],
            body: [UInt8](repeating: 65, count: 900)
        )
        #expect(String(decoding: response.body, as: UTF8.self) == "900")
    }
}
