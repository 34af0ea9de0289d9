import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore

// One attempt at one leased message, and how its outcome is stored, counted and logged.
extension DeliveryWorker {
    func deliver(_ record: OutboxRecord, leaseToken: String, now: Date, report: inout DeliveryReport) {
        let channel = DeliveryChannel(rawValue: record.channel)
        let labels = Labels(
            channel: channel?.rawValue ?? "other",
            purpose: MessagePurpose(rawValue: record.purpose)?.rawValue ?? "other"
        )
        // Known gap: `attempts` counts stored outcomes only; a worker that dies during a send
        // leaves the message leased, and it is tried again after the lease ends without counting.
        let attempt = record.attempts + 1
        let metadata = [
            LogKey.messageID: record.id, LogKey.channel: labels.channel, LogKey.purpose: labels.purpose,
            LogKey.attempt: "\(attempt)",
        ]

        let outcome: Result<Void, DeliveryError>
        do throws(DeliveryError) {
            guard let channel, let transport = transports[channel] else {
                throw DeliveryError(.channelNotConfigured, record.channel)
            }
            let message = try open(record, channel: channel, attempt: attempt)
            try transport.send(message)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }

        let settledAt = max(now, clock.now)
        do {
            switch outcome {
            case .success:
                try settleSent(record, leaseToken: leaseToken, at: settledAt, labels: labels, metadata: metadata)
                report.sent += 1
            case .failure(let error):
                let retried = try settleFailure(
                    record,
                    error: error,
                    leaseToken: leaseToken,
                    at: settledAt,
                    labels: labels,
                    metadata: metadata
                )
                if retried { report.retried += 1 } else { report.failed += 1 }
            }
        } catch {
            report.storeFailed = true
            logger.error("outbox update failed", metadata.merging([LogKey.error: Self.code(of: error)]) { $1 })
        }
    }

    private func open(_ record: OutboxRecord, channel: DeliveryChannel, attempt: Int) throws(DeliveryError)
        -> DeliverableMessage
    {
        guard let sealed = record.sealedPayload,
            var plaintext = try? masterKey.open(sealed, purpose: OutboxPayload.sealPurpose(record.id))
        else { throw DeliveryError(.unreadablePayload, "payload does not open") }
        defer { wipe(&plaintext) }
        return DeliverableMessage(
            id: record.id,
            channel: channel,
            purpose: record.purpose,
            createdAt: record.createdAt,
            attempt: attempt,
            payload: try OutboxPayload.decode(plaintext)
        )
    }

    private func settleSent(
        _ record: OutboxRecord,
        leaseToken: String,
        at time: Date,
        labels: Labels,
        metadata: [String: String]
    ) throws {
        metrics.increment("stepgate_messages_total", labels.with(outcome: "sent"))
        if try store.markOutboxSent(id: record.id, leaseToken: leaseToken, at: time) {
            logger.info("message sent", metadata)
        } else {
            // The lease ended and another worker claimed the message: it may send it again, and
            // the receiver deduplicates on the message ID.
            logger.warning("message sent after its lease ended", metadata)
        }
    }

    /// Stores a failed attempt; returns true when another attempt is scheduled.
    private func settleFailure(
        _ record: OutboxRecord,
        error: DeliveryError,
        leaseToken: String,
        at time: Date,
        labels: Labels,
        metadata: [String: String]
    ) throws -> Bool {
        var fields = metadata
        fields[LogKey.error] = error.code.rawValue
        let attempt = record.attempts + 1
        if !error.isPermanent, let delay = schedule.delay(afterAttempt: attempt) {
            metrics.increment("stepgate_messages_total", labels.with(outcome: "retried"))
            let next = time.addingTimeInterval(delay)
            guard
                try store.rescheduleOutboxMessage(
                    id: record.id,
                    leaseToken: leaseToken,
                    nextAttemptAt: next,
                    error: error.code.rawValue
                )
            else {
                logger.warning("message lease lost before its retry was stored", fields)
                return true
            }
            logger.warning("message not delivered; retry scheduled", fields)
            return true
        }
        metrics.increment("stepgate_messages_total", labels.with(outcome: "failed"))
        guard try store.markOutboxFailed(id: record.id, leaseToken: leaseToken, error: error.code.rawValue) else {
            logger.warning("message lease lost before its failure was stored", fields)
            return false
        }
        logger.error("message not delivered; given up", fields)
        return false
    }

    /// The fixed code of a store or other error, for the `error` log field.
    static func code(of error: any Error) -> String {
        (error as? StoreError)?.code.rawValue ?? (error as? DeliveryError)?.code.rawValue ?? "\(type(of: error))"
    }

    /// The bounded metric labels of one message.
    struct Labels {
        let channel: String
        let purpose: String

        func with(outcome: String) -> [(String, String)] {
            [("channel", channel), ("purpose", purpose), ("outcome", outcome)]
        }
    }
}
