public import Foundation
public import StepgateCore
public import StepgateCrypto
import StepgateStore

/// `stepgate notify test`: queues one test message through the real outbox and delivers it
/// with the configured transport, so an operator sees at once whether the settings work.
///
/// A message that fails stays in the outbox, like any other, and a running server retries it.
public enum DeliveryCheck {
    /// How the test message fared.
    public struct Result: Sendable {
        public var messageID: String
        public var delivered: Bool
        /// Attempts that failed so far.
        public var failedAttempts: Int
        /// The fixed error code of the last failed attempt.
        public var error: String?
        /// When the message will be tried again; nil when it was sent or given up.
        public var nextAttemptAt: Date?
    }

    /// Sends one `test` message to `recipient` on `channel` and waits for its first attempt.
    ///
    /// Waits at most `delivery.timeout` plus 10 seconds when another worker (a running server
    /// on the same database) leased the message first.
    ///
    /// - Throws: `DeliveryError` when the channel has no transport or the recipient is
    ///   malformed; `StoreError` when the store fails.
    public static func run(
        configuration: ServerConfiguration,
        channel: DeliveryChannel,
        recipient: String,
        clock: any Clock = SystemClock(),
        random: any RandomSource = SystemRandom()
    ) throws -> Result {
        let (store, masterKey) = try Service.open(configuration, random: random)
        defer { store.close() }
        var options = DeliveryWorker.Options()
        options.sendTimeout = configuration.delivery.timeout
        let worker = DeliveryWorker(
            store: store,
            masterKey: masterKey,
            transports: configuration.delivery.makeTransports(clock: clock),
            schedule: RetrySchedule(maxAttempts: configuration.delivery.maxAttempts),
            clock: clock,
            random: random,
            logger: .discarding,
            metrics: Metrics(),
            options: options
        )
        let notifier = Notifier(
            store: store,
            masterKey: masterKey,
            channels: configuration.delivery.channels,
            clock: clock,
            random: random,
            logger: .discarding,
            wake: {}
        )
        let id = try notifier.enqueue(message(channel: channel, recipient: recipient))

        let deadline = Date().addingTimeInterval(configuration.delivery.timeout + 10)
        while true {
            let report = worker.deliverDue(now: clock.now)
            guard let record = try store.outboxMessage(id: id) else {
                throw StoreError(.corrupt, "the test message vanished from the outbox")
            }
            if record.state != .pending || record.attempts > 0 || Date() >= deadline {
                return Result(
                    messageID: id,
                    delivered: record.state == .sent,
                    failedAttempts: record.attempts,
                    error: record.lastError,
                    nextAttemptAt: record.state == .pending ? record.nextAttemptAt : nil
                )
            }
            if report.claimed == 0 { Thread.sleep(forTimeInterval: 0.2) }
        }
    }

    private static func message(channel: DeliveryChannel, recipient: String) throws(DeliveryError)
        -> OutgoingMessage
    {
        let text = "This is a test message from stepgate notify test. No action is needed."
        switch channel {
        case .email:
            return try .email(to: recipient, subject: "Stepgate delivery test", text: text, purpose: .test)
        case .sms:
            return try .sms(to: recipient, text: text, purpose: .test)
        }
    }
}
