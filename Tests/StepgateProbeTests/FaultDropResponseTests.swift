import Foundation
import StepgateCore
import StepgateHTTP
import Testing

@testable import StepgateProbe

/// Dropping the response after the server acted: the server did its work, the client never
/// hears of it, and a retry is the case the probe judges.
@Suite struct FaultDropResponseTests {
    /// Transfers performed, counted across the server's threads.
    private final class Ledger: Sendable {
        private let count = FaultLocked(0)

        var total: Int { count.withLock { $0 } }

        func next() -> Int {
            count.withLock { count in
                count += 1
                return count
            }
        }
    }

    /// An HTTP server that counts the transfers it performs.
    private final class Bank: Sendable {
        let ledger = Ledger()
        let server: HTTPServer

        init() throws {
            let ledger = ledger
            server = HTTPServer(configuration: .init(), logger: .discarding) { _ in
                .text(200, "transfer \(ledger.next()) done")
            }
            try server.start()
        }

        deinit {
            server.stop()
        }
    }

    @Test(arguments: [FaultPlan.DropResponse.Ending.close, .reset])
    func dropResponse_serverActsAndTheClientGetsNoAnswer(ending: FaultPlan.DropResponse.Ending) throws {
        let bank = try Bank()
        var plan = FaultPlan()
        plan.dropResponse = FaultPlan.DropResponse(ending: ending)
        let proxy = FaultProxy(targetHost: "127.0.0.1", targetPort: bank.server.port, plan: plan)
        try proxy.start()
        let request = HTTPClientRequest(
            method: .post,
            url: "http://127.0.0.1:\(proxy.port)/transfer",
            body: Array("amount=10".utf8)
        )
        let start = ContinuousClock.now

        #expect { try HTTPClient().send(request) } throws: { ($0 as? HTTPClientError)?.code == .transferFailed }

        // The response was framed by Content-Length, so no idle wait was needed.
        #expect(FaultTestWait.seconds(since: start) < 1.5)
        #expect(bank.ledger.total == 1)
        let counters = proxy.counters
        #expect(counters.droppedResponses == 1)
        #expect(counters.droppedBytes > 0)
        #expect(counters.responseBytes == 0)

        // Without the fault, the retry reaches the server again: it is the server's job to refuse it.
        try proxy.update(FaultPlan())
        let retry = try HTTPClient().send(request)
        #expect(retry.status == 200)
        #expect(String(decoding: retry.body, as: UTF8.self) == "transfer 2 done")
    }

    @Test(arguments: [FaultPlan.DropResponse.Ending.close, .reset])
    func dropResponse_withoutHTTPFramingEndsAfterTheIdleLimit(ending: FaultPlan.DropResponse.Ending) throws {
        let server = try FaultTestServer()
        var plan = FaultPlan()
        plan.dropResponse = FaultPlan.DropResponse(ending: ending, idleLimit: .milliseconds(30))
        let proxy = FaultProxy(targetHost: "127.0.0.1", targetPort: server.port, plan: plan)
        try proxy.start()
        let client = try FaultTestClient(port: proxy.port)

        client.send(Array("hello".utf8))
        let answer = client.receiveToEnd()

        #expect(answer.bytes.isEmpty)
        #expect(answer.ending == (ending == .reset ? .reset : .endOfStream))
        #expect(server.received == Array("hello".utf8))
        #expect(proxy.counters.droppedResponses == 1)
        #expect(proxy.counters.droppedBytes == 5)
        #expect(server.waitUntil { $0.endings == [.endOfStream] })
    }
}
