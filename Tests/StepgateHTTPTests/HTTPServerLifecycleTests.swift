import Dispatch
import StepgateCore
import StepgateHTTP
import Synchronization
import Testing

@Suite struct HTTPServerLifecycleTests {
    @Test func concurrentRequests_areAllAnswered() throws {
        let test = try TestServer { request in .text(200, request.query) }
        let answers = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<4 {
                let query = "t=\(thread)&i=\(index)"
                let response = try? test.send(.get, "/c?\(query)")
                if response?.status == 200, let body = response?.body, String(decoding: body, as: UTF8.self) == query {
                    answers.withLock { $0.append(query) }
                }
            }
        }
        #expect(answers.withLock { Set($0).count } == 32)
        #expect(test.accessLines.count == 32)
    }

    @Test func stop_whileIdleThenAgainIsHarmless() throws {
        let test = try TestServer { _ in .text(200, "ok") }
        let port = test.server.port
        #expect(port > 0)
        #expect(try test.send(.get, "/").status == 200)
        test.server.stop()
        test.server.stop()
        #expect(test.server.port == 0)
        #expect(throws: HTTPClientError.self) {
            try test.client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/", timeoutSeconds: 2))
        }
    }

    @Test func stop_beforeStartIsHarmless() {
        let server = HTTPServer(configuration: .init(), logger: .discarding) { _ in .text(200, "ok") }
        server.stop()
        #expect(server.port == 0)
    }

    @Test func start_twiceFails() throws {
        let test = try TestServer { _ in .text(200, "ok") }
        #expect(throws: HTTPServerError(.alreadyStarted)) { try test.server.start() }
    }

    @Test func start_onTakenPortFails() throws {
        let first = try TestServer { _ in .text(200, "ok") }
        var configuration = HTTPServer.Configuration()
        configuration.port = first.server.port
        let second = HTTPServer(configuration: configuration, logger: .discarding) { _ in .text(200, "ok") }
        #expect {
            try second.start()
        } throws: { error in
            (error as? HTTPServerError)?.code == .addressInUse
        }
    }

    @Test(arguments: ["localhost", "", "256.1.1.1", "127.0.0.1 "])
    func start_withUnparsableHostFails(host: String) {
        var configuration = HTTPServer.Configuration()
        configuration.host = host
        let server = HTTPServer(configuration: configuration, logger: .discarding) { _ in .text(200, "ok") }
        #expect {
            try server.start()
        } throws: { error in
            (error as? HTTPServerError)?.code == .invalidHost
        }
    }

    @Test func start_withBadConfigurationNamesTheKeys() {
        var configuration = HTTPServer.Configuration()
        configuration.threadPoolSize = 0
        configuration.port = 70_000
        let server = HTTPServer(configuration: configuration, logger: .discarding) { _ in .text(200, "ok") }
        #expect {
            try server.start()
        } throws: { error in
            guard let error = error as? HTTPServerError else { return false }
            return error.code == .invalidConfiguration && error.detail.contains("threadPoolSize")
                && error.detail.contains("port")
        }
    }

    @Test func ipv6Loopback_serves() throws {
        var configuration = HTTPServer.Configuration()
        configuration.host = "::1"
        let server = HTTPServer(configuration: configuration, logger: .discarding) { request in
            .text(200, request.remoteAddress ?? "none")
        }
        try server.start()
        defer { server.stop() }
        let response = try HTTPClient().send(HTTPClientRequest(url: "http://[::1]:\(server.port)/"))
        #expect(String(decoding: response.body, as: UTF8.self) == "::1")
    }
}

@Suite struct HTTPServerGracefulStopTests {
    @Test func stop_letsInFlightRequestFinish() throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let test = try TestServer { _ in
            entered.signal()
            release.wait()
            return .text(200, "finished")
        }
        let result = Mutex<Int?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let status = try? test.send(.get, "/slow").status
            result.withLock { $0 = status }
            done.signal()
        }
        entered.wait()
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            test.server.stop()
            stopped.signal()
        }
        release.signal()
        done.wait()
        stopped.wait()
        #expect(result.withLock { $0 } == 200)
        #expect(test.server.port == 0)
    }
}
