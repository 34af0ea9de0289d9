/// What one `DeliveryWorker.deliverDue` call did.
public struct DeliveryReport: Sendable, Equatable {
    /// Messages leased to this call.
    public var claimed = 0
    /// Accepted by their provider and marked sent.
    public var sent = 0
    /// Failed, and scheduled for another attempt.
    public var retried = 0
    /// Failed for the last time (or for good), and marked failed.
    public var failed = 0
    /// Whether the store refused the claim or an update (logged at `error`).
    public var storeFailed = false

    public init() {}
}
