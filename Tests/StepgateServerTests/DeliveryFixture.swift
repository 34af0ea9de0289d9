import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore
import Synchronization

@testable import StepgateServer

/// A store, a master key, a test clock, captured logs and metrics, and workers over them, for
/// delivery tests that call `deliverDue` themselves.
final class DeliveryFixture: @unchecked Sendable {  // Only used from one test at a time.
    let directory = NSTemporaryDirectory() + "stepgate-delivery-" + UUID().uuidString
    let store: SQLiteStore
    let masterKey = MasterKey(bytes: Array(repeating: 7, count: 32))
    let clock = InsecureTestClock(Date(timeIntervalSince1970: 1_800_000_000))
    let logs = InMemoryLogHandler()
    let metrics = Metrics()

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory + "/delivery.db")
    }

    deinit {
        store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var logger: Logger { Logger(label: "test", handler: logs, minimumLevel: .trace) }

    func worker(
        _ transports: [DeliveryChannel: any MessageTransport],
        maxAttempts: Int = 6,
        batchSize: Int = 10
    ) -> DeliveryWorker {
        var options = DeliveryWorker.Options()
        options.batchSize = batchSize
        return DeliveryWorker(
            store: store,
            masterKey: masterKey,
            transports: transports,
            schedule: RetrySchedule(maxAttempts: maxAttempts),
            clock: clock,
            random: SystemRandom(),
            logger: logger,
            metrics: metrics,
            options: options
        )
    }

    func notifier(_ channels: Set<DeliveryChannel> = [.email, .sms], wake: @escaping @Sendable () -> Void = {})
        -> Notifier
    {
        Notifier(
            store: store,
            masterKey: masterKey,
            channels: channels,
            clock: clock,
            random: SystemRandom(),
            logger: logger,
            wake: wake
        )
    }

    func count(_ outcome: String, channel: String = "email", purpose: String = "otp") -> Int {
        metrics.value("stepgate_messages_total", [("channel", channel), ("purpose", purpose), ("outcome", outcome)])
    }
}

/// A transport that records what it was given and answers from a script (success when empty).
final class FakeTransport: MessageTransport {
    private let state = Mutex<(script: [DeliveryError?], sent: [DeliverableMessage])>(([], []))

    init(_ script: [DeliveryError?] = []) {
        state.withLock { $0.script = script }
    }

    func send(_ message: DeliverableMessage) throws(DeliveryError) {
        let outcome: DeliveryError? = state.withLock { state in
            state.sent.append(message)
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        if let outcome { throw outcome }
    }

    var sent: [DeliverableMessage] { state.withLock { $0.sent } }

    /// Fails every call from now on with `error`.
    func failAlways(_ error: DeliveryError) {
        state.withLock { $0.script = Array(repeating: error, count: 1_000) }
    }
}
