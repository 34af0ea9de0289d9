public import Foundation

/// Where an outbox message is in its life: waiting (or being tried), delivered, or given up.
public enum OutboxState: String, Sendable, CaseIterable {
    /// Waiting for its next attempt, or claimed by a worker that is trying it now.
    case pending
    /// Delivered; the payload is erased.
    case sent
    /// Given up after the last attempt (or a permanent refusal); the payload is erased.
    case failed
}

/// One message to a user, waiting in the outbox for the delivery worker.
///
/// The store never sees the recipient or the text: both travel inside `sealedPayload`,
/// sealed by the server under the master key and bound to `id`.
public struct OutboxRecord: Sendable, Hashable {
    /// Random, unique; also the delivery ID a receiver deduplicates on.
    public var id: String
    /// `email` or `sms`.
    public var channel: String
    /// A fixed code saying why the message exists (`otp`, `factor_added`, ...); for logs and metrics.
    public var purpose: String
    /// The sealed recipient, subject and text; nil once the message is sent or failed.
    public var sealedPayload: [UInt8]?
    public var state: OutboxState
    /// Failed attempts so far.
    public var attempts: Int
    /// The message is not tried before this instant.
    public var nextAttemptAt: Date
    /// Set by the claim that leased the message to a worker; only its holder may settle it.
    public var leaseToken: String?
    /// The lease holds until this instant; afterwards another worker may claim the message.
    public var leaseUntil: Date?
    public var createdAt: Date
    public var sentAt: Date?
    /// A fixed error code of the last failed attempt (such as `timed_out`), never provider text.
    public var lastError: String?

    /// A new pending message, never tried, due at `nextAttemptAt`.
    public init(
        id: String,
        channel: String,
        purpose: String,
        sealedPayload: [UInt8],
        nextAttemptAt: Date,
        createdAt: Date
    ) {
        self.id = id
        self.channel = channel
        self.purpose = purpose
        self.sealedPayload = sealedPayload
        self.state = .pending
        self.attempts = 0
        self.nextAttemptAt = nextAttemptAt
        self.leaseToken = nil
        self.leaseUntil = nil
        self.createdAt = createdAt
        self.sentAt = nil
        self.lastError = nil
    }
}

/// How many outbox messages are in each state, for metrics.
public struct OutboxCounts: Sendable, Hashable {
    public var pending: Int
    public var sent: Int
    public var failed: Int

    public init(pending: Int = 0, sent: Int = 0, failed: Int = 0) {
        self.pending = pending
        self.sent = sent
        self.failed = failed
    }

    /// The count of `state`.
    public subscript(state: OutboxState) -> Int {
        switch state {
        case .pending: pending
        case .sent: sent
        case .failed: failed
        }
    }
}
