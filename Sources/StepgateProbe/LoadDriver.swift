import Synchronization

/// Runs concurrent virtual users, each repeating an operation, and measures what happened.
///
/// Each user is a thread that repeats its operation back to back (no think time) until the
/// plan's limit: in `.duration` mode no iteration starts after `warmUp + duration`; in
/// `.iterations` mode each user stops after that many measured iterations. The operation
/// returns a `LoadSample`; one that throws counts as a failure of kind `thrown.<ErrorType>`,
/// timed by the driver. An operation that never returns holds its user, and the run, forever:
/// give it a timeout (the HTTP client has one).
///
/// A driver runs one plan at a time; `run` blocks until every user has stopped and been joined.
public final class LoadDriver: Sendable {
    /// The plan each run follows.
    public let plan: LoadPlan
    private let clock: any LoadClock
    private let cancelled = Atomic(false)
    private let started = Atomic(0)
    private let failed = Atomic(0)
    private let broken = Atomic(0)

    /// A driver for `plan`, timing with `clock`.
    public init(plan: LoadPlan, clock: any LoadClock = MonotonicLoadClock()) {
        self.plan = plan
        self.clock = clock
    }

    /// Runs every user on `operation`, shared by all users (so it must be thread-safe).
    ///
    /// - Throws: `LoadError`: `.invalidPlan` (before anything runs), `.threadFailed`.
    public func run(_ operation: @escaping @Sendable () throws -> LoadSample) throws(LoadError) -> LoadResult {
        try run(perUser: { _ in operation })
    }

    /// Runs every user on its own operation: `makeOperation(user)` is called once on each
    /// user's thread (users count from 0), so the operation it returns may keep state (a
    /// session, an account) without locks.
    ///
    /// - Throws: `LoadError`: `.invalidPlan` (before anything runs), `.threadFailed`.
    public func run(
        perUser makeOperation: @escaping @Sendable (Int) -> () throws -> LoadSample
    ) throws(LoadError) -> LoadResult {
        let problems = plan.problems
        guard problems.isEmpty else { throw LoadError(.invalidPlan, problems: problems) }
        cancelled.store(false, ordering: .relaxed)
        started.store(0, ordering: .relaxed)
        failed.store(0, ordering: .relaxed)
        broken.store(0, ordering: .relaxed)

        let origin = clock.now
        let recorders = FaultLocked<[Int: LoadRecorder]>([:])
        var threads: [FaultThread] = []
        for user in 0..<plan.users {
            do {
                threads.append(
                    try FaultThread.start { [self] in
                        let recorder = runUser(user, origin: origin, operation: makeOperation(user))
                        recorders.withLock { $0[user] = recorder }
                    }
                )
            } catch {
                cancel()
                for thread in threads { thread.join() }
                throw LoadError(.threadFailed, problems: ["started \(user) of \(plan.users) users"])
            }
        }
        for thread in threads { thread.join() }

        let collected = recorders.withLock { found in (0..<plan.users).compactMap { found[$0] } }
        return LoadRecorder.merge(collected, users: plan.users)
    }

    /// Asks every user of the current run to stop after its current iteration; `run` then
    /// returns what was measured so far.
    public func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    /// Counts of a run so far, for a live progress line; warm-up iterations included.
    public struct Progress: Sendable, Equatable {
        /// Iterations finished.
        public var iterations: Int
        /// Of those, the failures.
        public var failures: Int
        /// Of those, the ones that saw an invariant broken.
        public var violations: Int
    }

    /// The current (or last) run's counts so far, readable from any thread while it runs.
    public var progress: Progress {
        Progress(
            iterations: started.load(ordering: .relaxed),
            failures: failed.load(ordering: .relaxed),
            violations: broken.load(ordering: .relaxed)
        )
    }

    private func runUser(_ user: Int, origin: Duration, operation: () throws -> LoadSample) -> LoadRecorder {
        let warmUpEnd = origin + plan.warmUp
        var recorder = LoadRecorder()
        var iteration = 0
        var measured = 0
        while !cancelled.load(ordering: .relaxed) {
            let start = clock.now
            switch plan.limit {
            case .duration(let duration) where start >= warmUpEnd + duration: return recorder
            case .iterations(let count) where measured >= count: return recorder
            default: break
            }

            let sample: LoadSample
            do {
                sample = try operation()
            } catch {
                sample = .failure("thrown.\(type(of: error))")
            }
            let end = clock.now

            let warmUp = start < warmUpEnd
            recorder.record(
                sample,
                of: .init(user: user, number: iteration, start: start - origin, end: end - origin, isWarmUp: warmUp)
            )
            started.add(1, ordering: .relaxed)
            if !sample.succeeded { failed.add(1, ordering: .relaxed) }
            if sample.invariantBroken != nil { broken.add(1, ordering: .relaxed) }
            iteration += 1
            if !warmUp { measured += 1 }
        }
        return recorder
    }
}
