public import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore

/// Drains the outbox: leases due messages, opens each payload, sends it through its channel's
/// transport, and marks it sent, or schedules a retry (`RetrySchedule`), or gives it up.
///
/// `deliverDue(now:)` is one synchronous step, which tests call with an injected clock. `start`
/// runs it on one background thread (`stepgate-delivery`), again at once while batches come
/// back full, else after `Options.pollInterval` or when `Notifier` wakes it; request threads
/// never send. Several workers (nodes) may share one store: leases keep a message with one of
/// them, and a lease outlives the longest batch, so a message is sent twice only when a worker
/// dies between the provider's acceptance and the store's update (receivers deduplicate on
/// the message ID).
///
/// Counts `stepgate_messages_total{channel,purpose,outcome}` with outcome `sent`, `retried` or
/// `failed`. Logs fixed messages with the message ID, channel, purpose, attempt and error
/// code: never a recipient, a text, a code or a secret.
public final class DeliveryWorker: Sendable {
    /// Batch size and timing; the defaults suit one node.
    struct Options: Sendable {
        /// Messages leased per step. Default 10.
        var batchSize = 10
        /// Longest sleep between steps when idle, in seconds. Default 5.
        var pollInterval: TimeInterval = 5
        /// Limit of one send (`delivery.timeout`); the lease covers a whole batch of them.
        var sendTimeout: TimeInterval = 15

        /// How long a claim holds its messages: a full batch of timed-out sends, plus a minute.
        var leaseDuration: TimeInterval { Double(batchSize) * sendTimeout + 60 }

        init() {}
    }

    let store: any Store
    let masterKey: MasterKey
    let transports: [DeliveryChannel: any MessageTransport]
    let schedule: RetrySchedule
    let clock: any Clock
    let random: any RandomSource
    let logger: Logger
    let metrics: Metrics
    let options: Options
    let loop: WorkerLoop

    init(
        store: any Store,
        masterKey: MasterKey,
        transports: [DeliveryChannel: any MessageTransport],
        schedule: RetrySchedule,
        clock: any Clock,
        random: any RandomSource,
        logger: Logger,
        metrics: Metrics,
        options: Options = Options()
    ) {
        precondition(options.batchSize >= 1 && options.pollInterval > 0, "bad delivery options")
        self.store = store
        self.masterKey = masterKey
        self.transports = transports
        self.schedule = schedule
        self.clock = clock
        self.random = random
        self.logger = logger
        self.metrics = metrics
        self.options = options
        self.loop = WorkerLoop(pollInterval: options.pollInterval)
    }

    /// Starts the background thread; does nothing when no channel has a transport, or twice.
    func start() {
        guard !transports.isEmpty else { return }
        let batchSize = options.batchSize
        loop.start(name: "stepgate-delivery") { [self] in
            let report = deliverDue(now: clock.now)
            return report.claimed >= batchSize && !report.storeFailed
        }
    }

    /// Lets the current send finish (at most `delivery.timeout`), then stops the thread.
    func stop() {
        loop.stop()
    }

    /// Asks the thread to look at the outbox now rather than at its next poll.
    func wake() {
        loop.wake()
    }

    /// Leases up to one batch of messages due at `now` and tries each once, in order.
    ///
    /// Times recorded (sent, next attempt) are the later of `now` and the clock. Never throws:
    /// store failures are logged at `error` and reported in `DeliveryReport.storeFailed`, and
    /// the messages stay leased until the lease ends, then are tried again.
    @discardableResult
    public func deliverDue(now: Date) -> DeliveryReport {
        var report = DeliveryReport()
        let leaseToken = Identifier.random(random)
        let claimed: [OutboxRecord]
        do {
            claimed = try store.claimOutboxMessages(
                limit: options.batchSize,
                now: now,
                leaseToken: leaseToken,
                leaseUntil: now.addingTimeInterval(options.leaseDuration)
            )
        } catch {
            logger.error("outbox claim failed", [LogKey.error: Self.code(of: error)])
            report.storeFailed = true
            return report
        }
        report.claimed = claimed.count
        for record in claimed {
            // Known gap: messages of the batch not yet tried when the server stops stay leased
            // until the lease ends (`Options.leaseDuration`), then any worker tries them; a stop
            // waits for at most one send instead of a whole batch.
            if loop.isStopping { break }
            deliver(record, leaseToken: leaseToken, now: now, report: &report)
        }
        return report
    }
}
