import Foundation
import StepgateCore
@testable import StepgateStore
import Testing

@testable import StepgateServer

/// The outbox worker with a fake transport and a test clock: outcomes, retries, erasure,
/// exclusivity and log hygiene. No test sleeps.
@Suite struct DeliveryWorkerTests {
    static let code = "428613"
    static let address = "alice.private@example.org"

    static func otpMail(notBefore: Date? = nil) throws -> OutgoingMessage {
        try .email(
            to: address,
            subject: "Your sign-in code",
            text: "Your code is \(code).",
            purpose: .otp,
            notBefore: notBefore
        )
    }

    @Test func deliverDue_sendsAndErasesThePayload() throws {
        let fixture = try DeliveryFixture()
        let transport = FakeTransport()
        let id = try fixture.notifier().enqueue(try Self.otpMail())

        let report = fixture.worker([.email: transport]).deliverDue(now: fixture.clock.now)

        #expect(report.claimed == 1 && report.sent == 1)
        let message = try #require(transport.sent.first)
        #expect(message.id == id && message.attempt == 1 && message.channel == .email && message.purpose == "otp")
        #expect(
            message.payload
                == OutboxPayload(recipient: Self.address, subject: "Your sign-in code", text: "Your code is 428613.")
        )
        let row = try #require(try fixture.store.outboxMessage(id: id))
        #expect(
            row.state == .sent && row.sentAt == fixture.clock.now && row.sealedPayload == nil && row.leaseToken == nil
        )
        #expect(fixture.count("sent") == 1)
        #expect(fixture.logs.text.contains("message sent"))
    }

    @Test func enqueue_sealsThePayloadBoundToTheRow() throws {
        let fixture = try DeliveryFixture()
        let notifier = fixture.notifier()
        let first = try notifier.enqueue(try Self.otpMail())
        let second = try notifier.enqueue(try .sms(to: "+4915112345678", text: "Code 999111", purpose: .otp))

        let rows = [try fixture.store.outboxMessage(id: first), try fixture.store.outboxMessage(id: second)]
        for row in rows {
            let sealed = try #require(row?.sealedPayload)
            for clear in [Self.code, Self.address, "999111", "+4915112345678"] {
                #expect(!String(decoding: sealed, as: UTF8.self).contains(clear))
            }
        }
        // A payload moved to another row does not open there.
        let moved = try #require(rows[1]?.sealedPayload)
        #expect(throws: (any Error).self) {
            _ = try fixture.masterKey.open(moved, purpose: OutboxPayload.sealPurpose(first))
        }
    }

    @Test func deliverDue_retriesWithBackoffThenSends() throws {
        let fixture = try DeliveryFixture()
        let transport = FakeTransport([DeliveryError(.timedOut), DeliveryError(.connectFailed)])
        let worker = fixture.worker([.email: transport])
        let id = try fixture.notifier().enqueue(try Self.otpMail())
        let start = fixture.clock.now

        #expect(worker.deliverDue(now: start).retried == 1)
        var row = try #require(try fixture.store.outboxMessage(id: id))
        #expect(row.state == .pending && row.attempts == 1 && row.lastError == "timed_out")
        #expect(row.nextAttemptAt == start.addingTimeInterval(10) && row.sealedPayload != nil)
        fixture.clock.advance(by: 9)
        #expect(worker.deliverDue(now: fixture.clock.now).claimed == 0, "not before the backoff")
        fixture.clock.advance(by: 1)
        #expect(worker.deliverDue(now: fixture.clock.now).retried == 1)
        #expect(try fixture.store.outboxMessage(id: id)?.nextAttemptAt == fixture.clock.now.addingTimeInterval(30))
        fixture.clock.advance(by: 30)
        #expect(worker.deliverDue(now: fixture.clock.now).sent == 1)

        row = try #require(try fixture.store.outboxMessage(id: id))
        #expect(row.state == .sent && row.attempts == 2 && row.sealedPayload == nil)
        #expect(transport.sent.map(\.attempt) == [1, 2, 3])
        #expect(fixture.count("retried") == 2 && fixture.count("sent") == 1)
        #expect(fixture.logs.text.contains("message not delivered; retry scheduled"))
    }

    @Test func deliverDue_givesUpAfterMaxAttemptsAndErasesThePayload() throws {
        let fixture = try DeliveryFixture()
        let transport = FakeTransport()
        transport.failAlways(DeliveryError(.receiverRefused, "status 503"))
        let worker = fixture.worker([.sms: transport], maxAttempts: 3)
        let id = try fixture.notifier().enqueue(try .sms(to: "+4915112345678", text: "Code 1", purpose: .otp))

        for _ in 0..<3 {
            worker.deliverDue(now: fixture.clock.now)
            fixture.clock.advance(by: 3_600)
        }
        #expect(worker.deliverDue(now: fixture.clock.now).claimed == 0)

        let row = try #require(try fixture.store.outboxMessage(id: id))
        #expect(row.state == .failed && row.attempts == 3 && row.lastError == "receiver_refused")
        #expect(row.sealedPayload == nil)
        #expect(transport.sent.count == 3)
        #expect(fixture.count("retried", channel: "sms") == 2 && fixture.count("failed", channel: "sms") == 1)
        #expect(fixture.logs.text.contains("message not delivered; given up"))
    }

    @Test func deliverDue_givesUpAtOnceOnAPermanentRefusal() throws {
        let fixture = try DeliveryFixture()
        let transport = FakeTransport([DeliveryError(.rejected, "smtp reply 550")])
        let id = try fixture.notifier().enqueue(try Self.otpMail())

        #expect(fixture.worker([.email: transport]).deliverDue(now: fixture.clock.now).failed == 1)

        let row = try #require(try fixture.store.outboxMessage(id: id))
        #expect(row.state == .failed && row.attempts == 1 && row.lastError == "rejected" && row.sealedPayload == nil)
    }

    @Test func deliverDue_failsAPayloadThatDoesNotOpen() throws {
        let fixture = try DeliveryFixture()
        let transport = FakeTransport()
        let notifier = fixture.notifier()
        let first = try notifier.enqueue(try Self.otpMail())
        let second = try notifier.enqueue(try Self.otpMail())
        // Swap the sealed payloads through SQL: each is bound to its own row's ID.
        try fixture.store.withConnection { connection in
            try connection.run(
                "UPDATE outbox SET sealed_payload = (SELECT sealed_payload FROM outbox WHERE id = ?1) WHERE id = ?2",
                [.text(first), .text(second)]
            )
        }

        let report = fixture.worker([.email: transport]).deliverDue(now: fixture.clock.now)

        #expect(report.sent == 1 && report.failed == 1)
        #expect(try fixture.store.outboxMessage(id: second)?.lastError == "unreadable_payload")
        #expect(transport.sent.map(\.id) == [first])
    }

    @Test func deliverDue_waitsForNotBefore() throws {
        let fixture = try DeliveryFixture()
        let transport = FakeTransport()
        let worker = fixture.worker([.email: transport])
        try fixture.notifier().enqueue(try Self.otpMail(notBefore: fixture.clock.now.addingTimeInterval(60)))

        #expect(worker.deliverDue(now: fixture.clock.now.addingTimeInterval(59)).claimed == 0)
        #expect(worker.deliverDue(now: fixture.clock.now.addingTimeInterval(60)).sent == 1)
    }

    @Test func deliverDue_retriesAChannelWithoutTransport() throws {
        let fixture = try DeliveryFixture()
        let id = try fixture.notifier().enqueue(try Self.otpMail())

        #expect(fixture.worker([.sms: FakeTransport()]).deliverDue(now: fixture.clock.now).retried == 1)
        #expect(try fixture.store.outboxMessage(id: id)?.lastError == "channel_not_configured")
    }

    @Test func enqueue_refusesAChannelWithoutTransport() throws {
        let fixture = try DeliveryFixture()
        let notifier = fixture.notifier([.email])
        let before = try fixture.store.stateDump()

        #expect(notifier.supports(.email) && !notifier.supports(.sms))
        let error = #expect(throws: DeliveryError.self) {
            try notifier.enqueue(try .sms(to: "+4915112345678", text: "x", purpose: .otp))
        }
        #expect(error?.code == .channelNotConfigured)
        #expect(try fixture.store.stateDump() == before)
    }

    @Test func twoWorkers_neverSendAMessageTwice() throws {
        let fixture = try DeliveryFixture()
        let transport = FakeTransport()
        let notifier = fixture.notifier()
        for index in 0..<40 {
            try notifier.enqueue(try .sms(to: "+4915112345678", text: "Code \(index)", purpose: .otp))
        }
        let workers = [
            fixture.worker([.sms: transport], batchSize: 3), fixture.worker([.sms: transport], batchSize: 3),
        ]
        let now = fixture.clock.now

        DispatchQueue.concurrentPerform(iterations: 2) { index in
            while workers[index].deliverDue(now: now).claimed > 0 {}
        }

        let ids = transport.sent.map(\.id)
        #expect(ids.count == 40 && Set(ids).count == 40)
        #expect(try fixture.store.outboxCounts() == OutboxCounts(sent: 40))
    }

    @Test func logs_holdNoRecipientTextOrCode() throws {
        let fixture = try DeliveryFixture()
        let transport = FakeTransport([DeliveryError(.timedOut), DeliveryError(.rejected)])
        let worker = fixture.worker([.email: transport, .sms: FakeTransport()])
        let notifier = fixture.notifier()
        let id = try notifier.enqueue(try Self.otpMail())
        try notifier.enqueue(try .sms(to: "+4915112345678", text: "SMS code 771203", purpose: .factorAdded))

        worker.deliverDue(now: fixture.clock.now)
        fixture.clock.advance(by: 10)
        worker.deliverDue(now: fixture.clock.now)

        let text = fixture.logs.text
        for secret in [Self.code, Self.address, "Your code", "sign-in", "+4915112345678", "771203", "SMS code"] {
            #expect(!text.contains(secret), "\(secret) reached the log")
        }
        #expect(text.contains(id) && text.contains("message.purpose=otp") && text.contains("error=timed_out"))
        #expect(text.contains("message.attempt=2"))
        #expect(!"\(try Self.otpMail())".contains(Self.address))
    }

    @Test func enqueue_doesNotWaitForASlowTransport() throws {
        let fixture = try DeliveryFixture()
        let transport = BlockingTransport()
        let worker = fixture.worker([.email: transport])
        let notifier = fixture.notifier(wake: { worker.wake() })
        worker.start()
        defer { worker.stop() }

        try notifier.enqueue(try Self.otpMail())
        transport.entered.wait()
        // The worker is stuck inside `send`; a request thread still queues at once.
        let second = try notifier.enqueue(try Self.otpMail())
        #expect(try fixture.store.outboxMessage(id: second)?.state == .pending)
        transport.release.signal()
        transport.release.signal()
    }
}

/// A transport that blocks inside `send` until released, to stand for a slow provider.
final class BlockingTransport: MessageTransport {
    let entered = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)

    func send(_ message: DeliverableMessage) throws(DeliveryError) {
        entered.signal()
        release.wait()
    }
}
