import Foundation
import StepgateCore
import StepgateStore

/// Deletes expired rows in the background, so that the database holds what is live plus a day.
///
/// Every `interval` (and once at start), `prune` asks the store to delete rows that expired more
/// than `grace` ago (`Store.pruneExpired`), in batches of `batchSize` rows per table, until a
/// batch finds nothing or `maximumBatches` have run; then, in the same batches, history that no
/// check reads any more (`Store.pruneHistory`): devices first seen longer than a device cookie
/// lives (`device.cookie_lifetime`) plus `grace` ago, allowed high-risk actions older than both
/// `risk.velocity.window` and `risk.amount.history` plus `grace`, and sent or failed messages
/// queued more than `messageRetention` ago; last, failures older than the longest window that
/// counts them (`account.failure_window`, `risk.failure_window`) plus `grace`.
///
/// The grace day keeps every row that a check could still need: nodes' clocks that differ by
/// seconds, the hour that `otp.hourly_limit` looks back over one-time codes, and a replayed
/// authorization code that comes back within the day (it still revokes what it issued; after
/// that it is refused as unknown). Every node prunes; two nodes pruning at once delete each row
/// once. A failure is logged and counted, and tried again at the next interval.
final class Pruner: Sendable {
    static let grace: TimeInterval = 86_400
    static let interval: TimeInterval = 600
    static let batchSize = 1_000
    /// At most this many batches per pass (1,000,000 rows per table), so one pass ends even
    /// when rows expire faster than they are deleted; the rest waits for the next pass.
    static let maximumBatches = 1_000
    /// How long sent and failed messages stay in the outbox (without their payloads, erased when
    /// they ended), for an operator asking what happened to one.
    static let messageRetention: TimeInterval = 7 * 86_400

    private let store: any Store
    private let clock: any Clock
    private let logger: Logger
    private let metrics: Metrics
    private let horizons: Horizons
    private let loop = WorkerLoop(pollInterval: Pruner.interval)

    /// How far back each kind of history is still read, before `grace` is added.
    struct Horizons {
        /// Failures: the longer of the budget's and the risk's window.
        var failures: TimeInterval
        /// Devices: a device cookie's lifetime from its creation.
        var devices: TimeInterval
        /// Allowed high-risk actions: the longer of the velocity window and the amount history.
        var actions: TimeInterval

        /// The horizons that `configuration`'s windows need.
        init(_ configuration: ServerConfiguration) {
            failures = max(configuration.accountFailureWindow, configuration.risk.failureWindow)
            devices = configuration.deviceCookieLifetime
            actions = max(configuration.risk.velocityWindow, configuration.risk.amountHistory)
        }
    }

    init(store: any Store, clock: any Clock, logger: Logger, metrics: Metrics, horizons: Horizons) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
        self.horizons = horizons
    }

    /// Starts the background thread; harmless twice.
    func start() {
        loop.start(name: "stepgate-pruner") { [self] in
            prune()
            return false
        }
    }

    /// Stops the thread after its current batch, and returns once it has ended.
    func stop() {
        loop.stop()
    }

    /// One pass at the clock's time; returns how many rows it deleted (failures not counted).
    @discardableResult
    func prune() -> Int {
        let now = clock.now
        let history = HistoryHorizon(
            devicesFirstSeenBefore: now.addingTimeInterval(-(horizons.devices + Self.grace)),
            actionsBefore: now.addingTimeInterval(-(horizons.actions + Self.grace)),
            messagesBefore: now.addingTimeInterval(-Self.messageRetention)
        )
        var deleted = 0
        do {
            try drain(into: &deleted) { try store.pruneExpired(before: now.addingTimeInterval(-Self.grace), limit: $0) }
            try drain(into: &deleted) { try store.pruneHistory(history, limit: $0) }
            try store.pruneFailures(before: now.addingTimeInterval(-(horizons.failures + Self.grace)))
        } catch {
            metrics.increment("stepgate_prune_failures_total")
            logger.warning(
                "pruning expired rows failed",
                [LogKey.error: Self.errorCode(error), LogKey.count: "\(deleted)"]
            )
            return deleted
        }
        metrics.add("stepgate_pruned_rows_total", [], deleted)
        if deleted > 0 { logger.info("expired rows pruned", [LogKey.count: "\(deleted)"]) }
        return deleted
    }

    /// Calls `batch` with `batchSize` until it deletes nothing, `maximumBatches` calls have run,
    /// or the pruner is stopping, adding what each call deleted to `deleted` (so that a failure
    /// still reports the rows deleted before it).
    private func drain(into deleted: inout Int, _ batch: (Int) throws -> Int) throws {
        for _ in 0..<Self.maximumBatches where !loop.isStopping {
            let count = try batch(Self.batchSize)
            deleted += count
            if count == 0 { return }
        }
    }

    /// A store error's code, or the error's type: never its text, which could name a value.
    private static func errorCode(_ error: any Error) -> String {
        (error as? StoreError)?.code.rawValue ?? "\(type(of: error))"
    }
}
