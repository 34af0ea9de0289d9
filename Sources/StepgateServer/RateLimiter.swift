import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore
import Synchronization

/// Fixed-window request limits kept in the store, so every node counts against one budget.
///
/// Each hit is one atomic upsert (`Store.countRateLimitHit`) that returns the window's count;
/// a hit whose count is over the limit is refused until the window ends. Fixed windows (rather
/// than sliding ones) keep this to one statement per hit, make racing hits on any node count
/// exactly, and give an exact `Retry-After`; the price is that a client can send up to twice
/// the limit across one window boundary.
///
/// Keys are HMAC-SHA256 of the scope, the subject (an address or an account) and the window
/// length, under a key derived from the master key: the store never holds an address or a
/// name, and a stolen database does not tell which addresses were counted (the IPv4 space is
/// small enough to hash exhaustively, so a plain hash would).
///
/// A node remembers keys it saw refused until their window ends and refuses them again without
/// a store write: a refusal in a window stays a refusal, since counts only grow, so this
/// pre-check never refuses what the store would allow. Expired counters are pruned at most once
/// a minute per node, by the first hit that opens a new window.
final class RateLimiter: Sendable {
    /// What a limit counts.
    enum Scope: String, Sendable {
        /// Requests per client address to the sign-in, token and account endpoints.
        case ip
        /// Sign-in answers and code sends per account.
        case account
        /// `/decide` requests per client address (off unless configured).
        case decide
    }

    /// A refused hit: the limit that refused it and the whole seconds until its window ends.
    struct Refusal: Sendable, Equatable {
        var scope: Scope
        var retryAfter: Int
    }

    private let store: any Store
    private let clock: any Clock
    private let key: [UInt8]
    private let metrics: Metrics
    private let logger: Logger
    /// Keys over their limit, with the end of the window that refused them.
    private let refused = Mutex<[[UInt8]: Date]>([:])
    private let nextPrune = Mutex<Date>(.distantPast)

    /// Entries the in-process pre-check keeps before it sheds expired ones (or, failing that,
    /// all: it only saves store writes, the store still decides).
    static let refusedCapacity = 10_000
    static let pruneInterval: TimeInterval = 60

    init(store: any Store, clock: any Clock, key: [UInt8], metrics: Metrics, logger: Logger) {
        self.store = store
        self.clock = clock
        self.key = key
        self.metrics = metrics
        self.logger = logger
    }

    /// Counts one hit of `subject` against `limit`; returns the refusal when the hit is over it.
    ///
    /// Throws `StoreError` when the store cannot count (the request then answers 503).
    func hit(_ scope: Scope, _ limit: RateLimitConfiguration.Limit, subject: String, requestID: String) throws
        -> Refusal?
    {
        let now = clock.now
        let window = max(1, Int64(limit.window))
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let start = seconds - ((seconds % window) + window) % window
        let end = Date(timeIntervalSince1970: TimeInterval(start + window))
        let keyHash = HMAC.authenticationCode(
            .sha256,
            key: key,
            message: Array("\(scope.rawValue)\u{0}\(window)\u{0}\(subject)".utf8)
        )
        let retryAfter = max(1, Int((end.timeIntervalSince(now)).rounded(.up)))

        if let until = refused.withLock({ $0[keyHash] }), until > now {
            metrics.increment("stepgate_rate_limited_total", [("scope", scope.rawValue)])
            return Refusal(scope: scope, retryAfter: retryAfter)
        }
        let count = try store.countRateLimitHit(
            keyHash: keyHash,
            windowStart: Date(timeIntervalSince1970: TimeInterval(start)),
            windowEnd: end
        )
        if count == 1 { prune(now: now) }
        guard count > limit.requests else { return nil }

        remember(keyHash, until: end, now: now)
        metrics.increment("stepgate_rate_limited_total", [("scope", scope.rawValue)])
        if count == limit.requests + 1 {
            // Exactly one hit per key and window, on whichever node, sees this count: one line.
            logger.notice(
                "rate limit reached",
                [
                    LogKey.requestID: requestID, LogKey.rateLimitScope: scope.rawValue,
                    LogKey.rateLimitKey: Base64URL.encode(Array(keyHash.prefix(6))),
                ]
            )
        }
        return Refusal(scope: scope, retryAfter: retryAfter)
    }

    private func remember(_ keyHash: [UInt8], until end: Date, now: Date) {
        refused.withLock { entries in
            if entries.count >= Self.refusedCapacity {
                entries = entries.filter { $0.value > now }
                if entries.count >= Self.refusedCapacity { entries.removeAll() }
            }
            entries[keyHash] = end
        }
    }

    /// Drops ended windows from the store, at most once per `pruneInterval` on this node. A
    /// failure is logged and left for the next time: the hit itself was counted.
    private func prune(now: Date) {
        let due = nextPrune.withLock { next in
            guard now >= next else { return false }
            next = now.addingTimeInterval(Self.pruneInterval)
            return true
        }
        guard due else { return }
        do {
            try store.pruneRateLimits(now: now)
        } catch {
            logger.error("rate-limit pruning failed", [LogKey.error: "\(type(of: error))"])
        }
    }
}
