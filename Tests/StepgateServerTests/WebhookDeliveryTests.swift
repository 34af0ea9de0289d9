import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import Synchronization
import Testing

@testable import StepgateServer

/// SMS by webhook to a real HTTP receiver on 127.0.0.1 (our own HTTP server, in process) that
/// fails and then recovers: nothing lost, nothing sent twice after acceptance, every signature
/// valid. The clock is injected; the worker is driven by `deliverDue`.
@Suite struct WebhookDeliveryTests {
    static let secret = "whsec-0123456789-0123456789-0123456789"

    /// A gateway that answers 500 to the first `failures` deliveries of each message ID, then
    /// accepts; it deduplicates on `Stepgate-Delivery`, as docs/delivery.md asks receivers to.
    final class Receiver: Sendable {
        struct Log {
            var requests: [String] = []
            var accepted: [String] = []
            var bodies: [String: JSONValue] = [:]
            var badSignatures = 0
            var afterAcceptance = 0
            var refusedBeforeAcceptance: [String: Int] = [:]
        }

        /// The log behind a class, so the request handler can share it.
        final class Shared: Sendable {
            let state = Mutex(Log())
        }

        let shared = Shared()
        let server: HTTPServer
        /// Whether an accepted delivery's answer is lost (500 after storing it), once per ID.
        let loseFirstAnswer: Bool

        init(failures: Int, loseFirstAnswer: Bool = false, clock: any Clock) throws {
            self.loseFirstAnswer = loseFirstAnswer
            let shared = self.shared
            let secret = Array(Self.secretBytes)
            server = HTTPServer(configuration: HTTPServer.Configuration(), logger: .discarding) { request in
                let id = request.headers["Stepgate-Delivery"] ?? ""
                let valid = WebhookSignature.isValid(
                    header: request.headers["Stepgate-Signature"] ?? "",
                    secret: secret,
                    body: request.body,
                    now: clock.now
                )
                return shared.state.withLock { log in
                    log.requests.append(id)
                    guard valid else {
                        log.badSignatures += 1
                        return .text(401, "bad signature\n")
                    }
                    if log.accepted.contains(id) {
                        log.afterAcceptance += 1
                        return .text(200, "duplicate\n")
                    }
                    if log.refusedBeforeAcceptance[id, default: 0] < failures {
                        log.refusedBeforeAcceptance[id, default: 0] += 1
                        return .text(500, "try later\n")
                    }
                    log.accepted.append(id)
                    log.bodies[id] = try? JSONValue.parse(request.body)
                    return loseFirstAnswer ? .text(500, "answer lost\n") : .text(202, "accepted\n")
                }
            }
            try server.start()
        }

        static let secretBytes = Array(WebhookDeliveryTests.secret.utf8)

        var url: String { "http://127.0.0.1:\(server.port)/sms" }

        deinit {
            server.stop()
        }
    }

    static func worker(_ fixture: DeliveryFixture, url: String) -> DeliveryWorker {
        var configuration = DeliveryConfiguration()
        configuration.sms = .webhook(url)
        configuration.smsWebhookSecret = secret
        configuration.timeout = 5
        return fixture.worker(configuration.makeTransports(clock: fixture.clock))
    }

    @Test func failingThenRecoveringReceiver_getsEveryMessageOnce() throws {
        let fixture = try DeliveryFixture()
        let receiver = try Receiver(failures: 2, clock: fixture.clock)
        let worker = Self.worker(fixture, url: receiver.url)
        let notifier = fixture.notifier([.sms])
        var ids: [String] = []
        for index in 0..<5 {
            ids.append(try notifier.enqueue(try .sms(to: "+4915112345678", text: "Code 10000\(index)", purpose: .otp)))
        }

        var reports: [DeliveryReport] = []
        for step in [0.0, 10, 30, 120, 600, 1_800] {
            fixture.clock.advance(by: step)
            reports.append(worker.deliverDue(now: fixture.clock.now))
        }

        #expect(reports.map(\.retried) == [5, 5, 0, 0, 0, 0])
        #expect(reports.map(\.sent) == [0, 0, 5, 0, 0, 0])
        let log = receiver.shared.state.withLock { $0 }
        #expect(log.accepted.sorted() == ids.sorted(), "each message accepted exactly once")
        #expect(log.requests.count == 15 && log.badSignatures == 0 && log.afterAcceptance == 0)
        #expect(try fixture.store.outboxCounts() == OutboxCounts(sent: 5))
        let body = try #require(log.bodies[ids[0]])
        #expect(body["to"]?.stringValue == "+4915112345678" && body["text"]?.stringValue == "Code 100000")
        #expect(body["purpose"]?.stringValue == "otp" && body["id"]?.stringValue == ids[0])
        #expect(body["created_at"]?.integerValue == 1_800_000_000)
        #expect(fixture.count("sent", channel: "sms") == 5 && fixture.count("retried", channel: "sms") == 10)
    }

    @Test func lostAnswer_isRetriedAndTheReceiverDeduplicates() throws {
        let fixture = try DeliveryFixture()
        let receiver = try Receiver(failures: 0, loseFirstAnswer: true, clock: fixture.clock)
        let worker = Self.worker(fixture, url: receiver.url)
        let id = try fixture.notifier([.sms]).enqueue(try .sms(to: "+4915112345678", text: "Code 1", purpose: .otp))

        #expect(worker.deliverDue(now: fixture.clock.now).retried == 1)
        fixture.clock.advance(by: 10)
        #expect(worker.deliverDue(now: fixture.clock.now).sent == 1)

        let log = receiver.shared.state.withLock { $0 }
        #expect(log.requests == [id, id] && log.accepted == [id] && log.afterAcceptance == 1)
    }

    @Test func unreachableReceiver_isRetriedWithAFixedCode() throws {
        let fixture = try DeliveryFixture()
        let port: Int
        do {
            let probe = try Receiver(failures: 0, clock: fixture.clock)
            port = probe.server.port
        }
        let worker = Self.worker(fixture, url: "http://127.0.0.1:\(port)/sms")
        let id = try fixture.notifier([.sms]).enqueue(try .sms(to: "+4915112345678", text: "Code 1", purpose: .otp))

        #expect(worker.deliverDue(now: fixture.clock.now).retried == 1)
        #expect(try fixture.store.outboxMessage(id: id)?.lastError == "connect_failed")
    }
}
