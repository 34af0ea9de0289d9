public import Foundation

/// The assurance levels a deployment offers, and which one a session's events prove.
///
/// An event counts towards a level when it is not in the future, is younger than the level's
/// `absoluteLifetime`, is no older than `maxAge` when one is given, and its method meets a
/// method of the level's requirement (see `AuthenticationMethod.satisfies`). Each requirement
/// set needs its own method: one event never meets two sets, and two events of the same method
/// (two SMS codes, two TOTP codes) count as one, so the same channel twice is never two factors. A level with an `idleLifetime` is lost once that long has passed
/// since `lastSeen`. A session never claims a level its events do not prove.
///
/// Order per request: call `retainedEvents` and `achievedLevel` with the stored `lastSeen`,
/// and only then store the retained events and `lastSeen = now`. Refreshing `lastSeen` first
/// would revive the events of a level that went idle.
public struct AssurancePolicy: Sendable {
    /// The levels, lowest rank first.
    public let levels: [AssuranceLevel]

    /// A policy of `levels`, lowest first.
    ///
    /// Throws `AssurancePolicyError` listing every problem: no levels, an empty or spaced name,
    /// a duplicate name, a rank not above the previous one, an empty requirement or requirement
    /// set, a lifetime that is not a positive number of seconds.
    public init(levels: [AssuranceLevel]) throws(AssurancePolicyError) {
        var problems: [String] = []
        if levels.isEmpty { problems.append("levels: expected at least one level, found none") }
        var names: Set<String> = []
        for (index, level) in levels.enumerated() {
            let key = "levels[\(index)]"
            problems += Self.problems(in: level, key: key)
            if Self.isValidName(level.name), !names.insert(level.name).inserted {
                problems.append("\(key).name: expected a unique name, found \"\(level.name)\" again")
            }
            if index > 0, level.rank <= levels[index - 1].rank {
                let previous = levels[index - 1].rank
                problems.append("\(key).rank: expected more than \(previous), found \(level.rank)")
            }
        }
        guard problems.isEmpty else { throw AssurancePolicyError(.invalidLevels, problems: problems) }
        self.levels = levels
    }

    /// NIST SP 800-63B-4 levels: `aal1`, `aal2`, `aal3`.
    ///
    /// - `aal1`: a password; counts 30 days; no idle limit.
    /// - `aal2`: a password and a second factor (a TOTP, SMS or e-mail code, a security key or
    ///   passkey, a recovery code); counts 24 hours; lost after 1 hour idle.
    /// - `aal3`: a password and a hardware-bound key that verified its user (`hwk+pin`); counts
    ///   12 hours; lost after 15 minutes idle. A synced passkey (`swk`) does not meet it.
    public static let standard: AssurancePolicy = {
        let hour: TimeInterval = 3600
        let levels = [
            AssuranceLevel(
                name: "aal1",
                rank: 1,
                requirement: [[.pwd]],
                absoluteLifetime: 30 * 24 * hour,
                idleLifetime: nil
            ),
            AssuranceLevel(
                name: "aal2",
                rank: 2,
                requirement: [[.pwd], [.otp, .hwk, .swk, .sms, .email, .recovery]],
                absoluteLifetime: 24 * hour,
                idleLifetime: hour
            ),
            AssuranceLevel(
                name: "aal3",
                rank: 3,
                requirement: [[.pwd], [.hwkVerified]],
                absoluteLifetime: 12 * hour,
                idleLifetime: 15 * 60
            ),
        ]
        // The levels above are constant and pass validation; a test checks it.
        return try! AssurancePolicy(levels: levels)
    }()

    /// The level whose `acr` value is `name`, or nil.
    public func level(named name: String) -> AssuranceLevel? {
        levels.first { $0.name == name }
    }

    /// The `acr` values offered, lowest first, for `acr_values_supported`.
    public var supportedACRValues: [String] { levels.map(\.name) }

    /// The highest level the events prove at `now`, or nil when they prove none.
    ///
    /// `maxAge` (seconds) leaves out older events, as OIDC `max_age` asks. A flow that just
    /// authenticated the user for this request should pass at least the seconds since the
    /// request began, or `max_age=0` could never be met.
    public func achievedLevel(
        events: [AuthenticationEvent],
        lastSeen: Date,
        now: Date,
        maxAge: TimeInterval? = nil
    ) -> AssuranceLevel? {
        levels.last { level in
            guard !isIdle(level, lastSeen: lastSeen, now: now) else { return false }
            let counted = countedEvents(events, for: level, now: now, maxAge: maxAge)
            return meetsEverySet(of: level, by: counted)
        }
    }

    /// When the user last actively authenticated towards `level` (RFC 9470 §2: `auth_time`).
    ///
    /// The time of the most recent counted event; nil when the counted events do not meet the
    /// level's requirement. The idle limit is not checked here: `achievedLevel` does that.
    public func authTime(
        events: [AuthenticationEvent],
        level: AssuranceLevel,
        now: Date,
        maxAge: TimeInterval? = nil
    ) -> Date? {
        let counted = countedEvents(events, for: level, now: now, maxAge: maxAge)
        guard meetsEverySet(of: level, by: counted) else { return nil }
        return counted.map(\.time).max()
    }

    /// The `amr` values for `level` (RFC 8176): the counted methods in order of first use, a
    /// composite listed as its parts (`hwk+pin` as `hwk`, `pin`).
    ///
    /// `mfa` is added when the methods prove two or more kinds of factor (knowledge,
    /// possession, inherence); two methods of one kind, such as `pwd` and `kba`, do not.
    /// Empty when the counted events do not meet the level's requirement.
    public func amr(
        events: [AuthenticationEvent],
        level: AssuranceLevel,
        now: Date,
        maxAge: TimeInterval? = nil
    ) -> [String] {
        let counted = countedEvents(events, for: level, now: now, maxAge: maxAge)
        guard meetsEverySet(of: level, by: counted) else { return [] }
        let chronological = counted.enumerated()
            .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .map(\.element.method)

        var seen: Set<AuthenticationMethod> = []
        var values = chronological.flatMap(\.components).filter { $0 != .mfa && seen.insert($0).inserted }
            .map(\.rawValue)
        let factors = Set(seen.compactMap(\.factor))
        if factors.count >= 2 { values.append(AuthenticationMethod.mfa.rawValue) }
        return values
    }

    /// The requirement sets of `level` that the events do not meet yet, in requirement order.
    ///
    /// The flow asks for one method of the first missing set next (a password, then a TOTP
    /// code). When the level has gone idle every set is missing.
    public func missingMethods(
        for level: AssuranceLevel,
        events: [AuthenticationEvent],
        lastSeen: Date,
        now: Date,
        maxAge: TimeInterval? = nil
    ) -> [Set<AuthenticationMethod>] {
        if isIdle(level, lastSeen: lastSeen, now: now) { return level.requirement }
        return unmetSets(of: level, by: countedEvents(events, for: level, now: now, maxAge: maxAge))
    }

    /// Whether `achieved` is at least as strong as `required`; nil meets nothing.
    public func meets(_ achieved: AssuranceLevel?, _ required: AssuranceLevel) -> Bool {
        guard let achieved else { return false }
        return achieved.rank >= required.rank
    }

    /// The events a session should keep at `now`, given the stored `lastSeen`.
    ///
    /// Keeps an event only while it can still count towards a level that has not gone idle.
    /// So after an hour idle under `standard`, the password event stays (for `aal1`) but the
    /// OTP event goes, and `aal2` needs a fresh second factor.
    public func retainedEvents(
        _ events: [AuthenticationEvent],
        lastSeen: Date,
        now: Date
    ) -> [AuthenticationEvent] {
        let awake = levels.filter { !isIdle($0, lastSeen: lastSeen, now: now) }
        return events.filter { event in
            awake.contains { level in
                now.timeIntervalSince(event.time) < level.absoluteLifetime && Self.counts(event, for: level)
            }
        }
    }
}

extension AssurancePolicy {
    private func isIdle(_ level: AssuranceLevel, lastSeen: Date, now: Date) -> Bool {
        guard let idle = level.idleLifetime else { return false }
        return now.timeIntervalSince(lastSeen) >= idle
    }

    /// Events not in the future, inside the level's lifetime and `maxAge`, of a method the
    /// level asks for.
    private func countedEvents(
        _ events: [AuthenticationEvent],
        for level: AssuranceLevel,
        now: Date,
        maxAge: TimeInterval?
    ) -> [AuthenticationEvent] {
        events.filter { event in
            let age = now.timeIntervalSince(event.time)
            guard age >= 0, age < level.absoluteLifetime else { return false }
            if let maxAge, age > maxAge { return false }
            return Self.counts(event, for: level)
        }
    }

    /// Whether `event`'s method meets some method of some set of `level`.
    private static func counts(_ event: AuthenticationEvent, for level: AssuranceLevel) -> Bool {
        level.requirement.contains { set in set.contains { event.method.satisfies($0) } }
    }

    /// Whether every requirement set of `level` gets its own method of `events`.
    ///
    /// Fewer distinct methods than sets can never give each set its own, so that case is
    /// answered without the search (levels are tested several times per decision).
    private func meetsEverySet(of level: AssuranceLevel, by events: [AuthenticationEvent]) -> Bool {
        var methods: [AuthenticationMethod] = []
        for event in events where !methods.contains(event.method) {
            methods.append(event.method)
            if methods.count >= level.requirement.count { break }
        }
        guard methods.count >= level.requirement.count else { return false }
        return unmetSets(of: level, by: events).isEmpty
    }

    /// The sets no distinct method of `events` can be given to, in requirement order.
    ///
    /// Each set gets its own method (a bipartite matching, found by a small exhaustive search:
    /// levels have a handful of sets and sessions a handful of methods). Of the matchings that
    /// meet the most sets, one is chosen that leaves unmet the sets a new method can still meet:
    /// sets with fewer methods the events do not have yet are given a method first. So the flow,
    /// which asks for a new method of the first missing set, never asks for one already spent.
    private func unmetSets(
        of level: AssuranceLevel,
        by events: [AuthenticationEvent]
    ) -> [Set<AuthenticationMethod>] {
        var methods: [AuthenticationMethod] = []
        for event in events where !methods.contains(event.method) { methods.append(event.method) }
        let sets = level.requirement
        let newMethods = sets.map { $0.subtracting(methods).count }
        let order = sets.indices.sorted { left, right in (newMethods[left], left) < (newMethods[right], right) }
        let candidates = order.map { index in
            methods.indices.filter { method in sets[index].contains { methods[method].satisfies($0) } }
        }
        var search = SetMatching(candidates: candidates, methodCount: methods.count)
        search.run(from: 0, met: 0)
        let unmet = Set(order.indices.filter { !search.best[$0] }.map { order[$0] })
        return sets.indices.filter { unmet.contains($0) }.map { sets[$0] }
    }

    private static func problems(in level: AssuranceLevel, key: String) -> [String] {
        var problems: [String] = []
        if !isValidName(level.name) {
            let found = "\(level.name.count) characters"
            problems.append("\(key).name: expected visible ASCII without spaces, found \(found)")
        }
        if level.requirement.isEmpty {
            problems.append("\(key).requirement: expected at least one set of methods, found none")
        }
        for (index, methods) in level.requirement.enumerated() where methods.isEmpty {
            problems.append("\(key).requirement[\(index)]: expected at least one method, found none")
        }
        if !(level.absoluteLifetime > 0 && level.absoluteLifetime.isFinite) {
            let found = level.absoluteLifetime
            problems.append("\(key).absoluteLifetime: expected positive seconds, found \(found)")
        }
        if let idle = level.idleLifetime, !(idle > 0 && idle.isFinite) {
            problems.append("\(key).idleLifetime: expected positive seconds or none, found \(idle)")
        }
        return problems
    }

    /// `acr` values travel space-separated in `acr_values`: visible ASCII, no spaces.
    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}

/// An exhaustive search for the largest assignment of distinct methods to requirement sets.
private struct SetMatching {
    let candidates: [[Int]]
    var used: [Bool]
    var current: [Bool]
    var best: [Bool]
    var bestCount = -1

    init(candidates: [[Int]], methodCount: Int) {
        self.candidates = candidates
        used = Array(repeating: false, count: methodCount)
        current = Array(repeating: false, count: candidates.count)
        best = current
    }

    /// Tries to meet set `index` and those after it; `met` sets before it are met. Meeting a set
    /// is tried before skipping it, and only a strictly larger result replaces the best, so the
    /// first best found meets the earliest sets.
    mutating func run(from index: Int, met: Int) {
        guard met + (candidates.count - index) > bestCount else { return }
        guard index < candidates.count else {
            bestCount = met
            best = current
            return
        }
        for method in candidates[index] where !used[method] {
            used[method] = true
            current[index] = true
            run(from: index + 1, met: met + 1)
            used[method] = false
            current[index] = false
            if bestCount == candidates.count { return }
        }
        run(from: index + 1, met: met)
    }
}
