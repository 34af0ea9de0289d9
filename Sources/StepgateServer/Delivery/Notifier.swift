import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore

/// Where request handlers send messages to users: `enqueue` writes one sealed outbox row and
/// returns; the `DeliveryWorker` sends it in the background, with retries.
///
/// A slow or failing provider therefore never blocks or fails a request: `enqueue` touches
/// only the store. Safe to call from any thread.
public final class Notifier: Sendable {
    private let store: any Store
    private let masterKey: MasterKey
    private let channels: Set<DeliveryChannel>
    private let clock: any Clock
    private let random: any RandomSource
    private let logger: Logger
    /// Tells the worker that a message is waiting, so it need not wait for its next poll.
    private let wake: @Sendable () -> Void

    init(
        store: any Store,
        masterKey: MasterKey,
        channels: Set<DeliveryChannel>,
        clock: any Clock,
        random: any RandomSource,
        logger: Logger,
        wake: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.masterKey = masterKey
        self.channels = channels
        self.clock = clock
        self.random = random
        self.logger = logger
        self.wake = wake
    }

    /// Whether `channel` has a transport (`delivery.email`, `delivery.sms` other than `none`).
    ///
    /// Check it before offering a factor: `enqueue` refuses a channel without one.
    public func supports(_ channel: DeliveryChannel) -> Bool {
        channels.contains(channel)
    }

    /// Queues `message` and returns its outbox ID at once; it is sent from `notBefore` on.
    ///
    /// The recipient, subject and text are sealed under the master key, bound to the ID, before
    /// they reach the store. Nothing about the message is logged but its ID, channel and purpose.
    ///
    /// - Throws: `DeliveryError(.channelNotConfigured)` when `supports(message.channel)` is
    ///   false; `StoreError` when the store cannot be written (request handlers let it reach
    ///   the funnel, which answers 503).
    @discardableResult
    public func enqueue(_ message: OutgoingMessage) throws -> String {
        guard supports(message.channel) else {
            throw DeliveryError(.channelNotConfigured, message.channel.rawValue)
        }
        let now = clock.now
        let id = Identifier.random(random)
        let payload = OutboxPayload(recipient: message.recipient, subject: message.subject, text: message.text)
        var plaintext = payload.encoded()
        defer { wipe(&plaintext) }
        let sealed = try masterKey.seal(plaintext, purpose: OutboxPayload.sealPurpose(id))
        let due = max(now, message.notBefore ?? now)
        try store.insertOutboxMessage(
            OutboxRecord(
                id: id,
                channel: message.channel.rawValue,
                purpose: message.purpose.rawValue,
                sealedPayload: sealed,
                nextAttemptAt: due,
                createdAt: now
            )
        )
        logger.debug(
            "message queued",
            [LogKey.messageID: id, LogKey.channel: message.channel.rawValue, LogKey.purpose: message.purpose.rawValue]
        )
        wake()
        return id
    }
}
