/// How much load the probe applies: the `load:` section of a target file.
///
/// `users` virtual users (threads) each repeat the operation until `limit` is reached; samples
/// begun during the first `warmUp` are discarded (connections, caches and the server's pools
/// settle first).
///
/// Keys (see `init(settings:)`, and `docs/probe.md` for the YAML shape):
///
/// | key | type | default | field |
/// | --- | --- | --- | --- |
/// | `users` | integer, 1 to 1024 | 1 | `users` |
/// | `duration` | duration (`30s`, `5m`) | `30s` | `limit = .duration` |
/// | `iterations` | integer per user, 1 to 10000000 | none | `limit = .iterations` |
/// | `warm_up` | duration, may be `0` | `0` | `warmUp` |
///
/// `duration` and `iterations` exclude each other.
public struct LoadPlan: Sendable, Equatable {
    /// When each virtual user stops.
    public enum Limit: Sendable, Equatable {
        /// Start no new iteration once this long has passed after the warm-up.
        case duration(Duration)
        /// Stop after this many measured iterations per user (warm-up iterations not counted).
        case iterations(Int)
    }

    /// Concurrent virtual users, one thread each. Default 1.
    public var users = 1
    /// When each user stops. Default: 30 seconds after the warm-up.
    public var limit = Limit.duration(.seconds(30))
    /// Time from the start during which samples are discarded. Default 0.
    public var warmUp: Duration = .zero

    /// One user for 30 seconds, no warm-up.
    public init() {}

    /// A plan of `users` users stopping at `limit` after `warmUp`.
    public init(users: Int, limit: Limit, warmUp: Duration = .zero) {
        self.users = users
        self.limit = limit
        self.warmUp = warmUp
    }

    /// Every value out of range, each naming its field; empty when the plan can run.
    public var problems: [String] {
        var found: [String] = []
        if !(1...1024).contains(users) { found.append("users is not from 1 to 1024") }
        switch limit {
        case .duration(let duration) where duration <= .zero: found.append("limit duration is not positive")
        case .iterations(let count) where count < 1: found.append("limit iterations is below 1")
        default: break
        }
        if warmUp < .zero { found.append("warmUp is negative") }
        return found
    }

    /// The plan that a target file's `load:` section describes.
    ///
    /// `settings` holds the section flattened to keys and scalar text, for example
    /// `["users": "8", "duration": "30s"]`; the keys are listed on `LoadPlan`.
    ///
    /// - Throws: `LoadError` (`.invalidSettings`) listing every unknown key, malformed value and
    ///   value out of range, and `duration` set together with `iterations`.
    public init(settings: [String: String]) throws(LoadError) {
        self.init()
        var reader = FaultSettingsReader(section: "load", settings: settings)
        if let users = reader.integer("users", range: 1...1024) { self.users = users }
        let duration = reader.duration("duration")
        let iterations = reader.integer("iterations", range: 1...10_000_000)
        if let warmUp = reader.duration("warm_up") { self.warmUp = warmUp }

        switch (duration, iterations) {
        case (.some, .some):
            reader.fail("iterations", "either duration or iterations, not both")
        case (.some(let duration), nil):
            if duration > .zero {
                limit = .duration(duration)
            } else {
                reader.fail("duration", "more than 0 seconds")
            }
        case (nil, .some(let count)):
            limit = .iterations(count)
        case (nil, nil):
            break
        }

        reader.rejectUnknownKeys()
        guard reader.problems.isEmpty else { throw LoadError(.invalidSettings, problems: reader.problems) }
    }
}
