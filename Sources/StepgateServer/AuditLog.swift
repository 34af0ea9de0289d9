import Foundation
import StepgateCore
import StepgateStore

/// The audit log as the request path sees it: `record` queues an event and returns at once;
/// one background thread links queued events into the hash chain and appends them to the store
/// in batches, one transaction each.
///
/// The writer wakes when the queue goes from empty to non-empty, then waits up to
/// `Options.gatherWindow` for more events before it writes (less if a batch fills, `flush` is
/// waiting, or the log closes), so a busy server writes one transaction every few milliseconds
/// rather than one per request.
///
/// When the queue is full, `record` waits (back-pressure: an audit log should slow the server
/// down rather than lose records) for at most `Options.blockLimit`; if the queue is still full
/// then, the event is dropped, counted in `stepgate_audit_records_total{outcome="dropped"}` and
/// logged at `error`. A batch the store refuses `Options.maxAttempts` times running (each
/// attempt reads the stored last record again, so losing a race to another node is retried) is
/// counted as `failed` and logged at `error`. Written records count as `written`.
///
/// Known gap: queued records live in memory until written; a crash or SIGKILL loses what is
/// queued (up to `Options.capacity` events, and at least the last `gatherWindow`'s). A graceful
/// stop (`Service.stop`) flushes first.
final class AuditLog: Sendable {
    /// Queue and batch sizes; the defaults suit one node.
    struct Options: Sendable {
        /// Events that may wait to be written; `record` blocks beyond this. Default 4096.
        var capacity = 4096
        /// Events written per transaction at most. Default 256.
        var batchSize = 256
        /// How long `record` waits for room in a full queue before dropping, in seconds. Default 2.
        var blockLimit: TimeInterval = 2
        /// Tries per batch before it is counted as failed. Default 3.
        var maxAttempts = 3
        /// How long the writer, woken by a first event, waits for more before writing them
        /// together, in seconds; 0 writes at once. Default 0.005.
        var gatherWindow: TimeInterval = 0.005

        init() {}
    }

    private let queue: AuditQueue
    private let clock: any Clock

    /// Starts the writer thread over `store`; event times come from `clock`.
    init(store: any Store, clock: any Clock, logger: Logger, metrics: Metrics, options: Options = Options()) {
        precondition(
            options.capacity >= 1 && options.batchSize >= 1 && options.maxAttempts >= 1 && options.gatherWindow >= 0,
            "bad audit options"
        )
        self.clock = clock
        self.queue = AuditQueue(store: store, logger: logger, metrics: metrics, options: options)
        let queue = self.queue
        let thread = Thread { queue.runWriter() }
        thread.name = "stepgate-audit"
        thread.start()
    }

    deinit {
        close()
    }

    /// Queues one event of `kind`, timed now. `fields` must hold no secret (see `AuditKey`).
    func record(_ kind: AuditKind, _ fields: [String: String]) {
        queue.enqueue(AuditEvent(kind: kind, time: clock.now, fields: fields))
    }

    /// Returns once every event queued before the call has been written (or counted as failed).
    func flush() {
        queue.waitUntilWritten()
    }

    /// Writes what is queued, then stops the writer thread. Events recorded afterwards are
    /// dropped and counted. Closing twice is harmless.
    func close() {
        queue.close()
    }
}

/// The state shared by request threads and the writer thread.
private final class AuditQueue: @unchecked Sendable {
    // Safety: `pending`, `enqueued`, `finished`, `flushing`, `closed` and `joined` are read and
    // written only while `condition` is locked; `head` only by the writer thread. `store`,
    // `logger`, `metrics`, `options` and `fullBatch` are immutable and Sendable.
    private let condition = NSCondition()
    private var pending: [AuditEvent] = []
    /// Events accepted into the queue so far, and of those, how many are written or failed.
    private var enqueued = 0
    private var finished = 0
    /// Callers waiting in `waitUntilWritten`: the writer does not gather while one waits.
    private var flushing = 0
    private var closed = false
    private var joined = false
    /// The queue length at which the writer stops gathering: a full batch, or a full queue.
    private let fullBatch: Int
    private let exited = DispatchSemaphore(value: 0)
    /// The stored last record's number and hash, as the writer last saw them; nil to read again.
    private var head: (sequence: Int64, hash: String)?

    private let store: any Store
    private let logger: Logger
    private let metrics: Metrics
    private let options: AuditLog.Options

    init(store: any Store, logger: Logger, metrics: Metrics, options: AuditLog.Options) {
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.options = options
        self.fullBatch = min(options.batchSize, options.capacity)
        pending.reserveCapacity(options.capacity)
    }

    func enqueue(_ event: AuditEvent) {
        condition.lock()
        if pending.count >= options.capacity && !closed {
            let deadline = Date().addingTimeInterval(options.blockLimit)
            while pending.count >= options.capacity && !closed {
                if !condition.wait(until: deadline) { break }
            }
        }
        let accepted = !closed && pending.count < options.capacity
        if accepted {
            pending.append(event)
            enqueued += 1
            // Wake the writer when it waits for a first event, or gathers and a batch is full;
            // otherwise it is writing or gathering, and comes back for this event itself.
            if pending.count == 1 || pending.count == fullBatch { condition.broadcast() }
        }
        condition.unlock()
        if !accepted {
            metrics.add("stepgate_audit_records_total", [("outcome", "dropped")], 1)
            logger.error(
                "audit record dropped",
                [LogKey.reason: "queue full or closed", LogKey.auditKind: event.kind.rawValue]
            )
        }
    }

    func waitUntilWritten() {
        condition.lock()
        let target = enqueued
        flushing += 1
        condition.broadcast()  // a gathering writer writes now
        while finished < target { condition.wait() }
        flushing -= 1
        condition.unlock()
    }

    func close() {
        condition.lock()
        let first = !joined
        closed = true
        joined = true
        condition.broadcast()
        condition.unlock()
        if first { exited.wait() }
    }

    /// The writer thread's body: takes up to a batch, writes it, until closed and drained.
    func runWriter() {
        while let batch = nextBatch() {
            write(batch)
            condition.lock()
            finished += batch.count
            condition.broadcast()
            condition.unlock()
        }
        exited.signal()
    }

    private func nextBatch() -> [AuditEvent]? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty && !closed { condition.wait() }
        guard !pending.isEmpty else { return nil }
        if options.gatherWindow > 0 {
            let deadline = Date().addingTimeInterval(options.gatherWindow)
            while pending.count < fullBatch && !closed && flushing == 0 {
                if !condition.wait(until: deadline) { break }
            }
        }
        let batch: [AuditEvent]
        if pending.count <= options.batchSize {
            batch = pending
            pending.removeAll(keepingCapacity: true)
        } else {
            batch = Array(pending.prefix(options.batchSize))
            pending.removeFirst(options.batchSize)
        }
        // Room was made: wake producers waiting on a full queue.
        condition.broadcast()
        return batch
    }

    private func write(_ batch: [AuditEvent]) {
        var failure: (any Error)?
        for _ in 0..<options.maxAttempts {
            do {
                let start = try head ?? currentHead()
                var sequence = start.sequence
                var previousHash = start.hash
                var records: [AuditRecord] = []
                records.reserveCapacity(batch.count)
                for event in batch {
                    let record = AuditChain.link(event, afterSequence: sequence, previousHash: previousHash)
                    records.append(record)
                    sequence = record.sequence
                    previousHash = record.hash
                }
                try store.appendAudit(records)
                head = (sequence, previousHash)
                metrics.add("stepgate_audit_records_total", [("outcome", "written")], batch.count)
                return
            } catch {
                // Another writer (a second node) may have appended: read the head again.
                head = nil
                failure = error
            }
        }
        metrics.add("stepgate_audit_records_total", [("outcome", "failed")], batch.count)
        let code = (failure as? StoreError)?.code.rawValue ?? failure.map { "\(type(of: $0))" } ?? "unknown"
        logger.error("audit records not written", [LogKey.error: code, LogKey.count: "\(batch.count)"])
    }

    private func currentHead() throws -> (sequence: Int64, hash: String) {
        guard let last = try store.lastAuditRecord() else { return (0, AuditChain.genesis) }
        return (last.sequence, last.hash)
    }
}
