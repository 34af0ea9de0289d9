/// One direction of a proxied TCP connection.
public enum FaultDirection: String, Sendable, Hashable, CaseIterable {
    /// Client to server: the bytes of the request.
    case request
    /// Server to client: the bytes of the response.
    case response
}

/// What the fault proxy does to the traffic it forwards: the `network:` section of a target file.
///
/// Every fault is off by default, so `FaultPlan()` forwards bytes untouched. Faults combine: a
/// plan may add latency, limit bandwidth, reset, stall and drop responses at once. A "chunk" is
/// what one `read` from a socket returns (at most 16 KiB); on loopback a small HTTP request or
/// response is usually one chunk.
///
/// Keys (see `init(settings:)`, and `docs/probe.md` for the YAML shape):
///
/// | key | type | default | field |
/// | --- | --- | --- | --- |
/// | `seed` | integer ≥ 0 | 1 | `seed` |
/// | `latency_ms` | integer, 0 to 600000 | 0 | `latency` |
/// | `jitter_ms` | integer, 0 to 600000 | 0 | `jitter` |
/// | `bandwidth_kbps` | integer, 1 to 10000000 (kilobits/s) | unlimited | `bandwidthBytesPerSecond` |
/// | `reset_after_bytes` | integer ≥ 0 | none | `reset.afterBytes` |
/// | `reset_probability` | decimal, 0 to 1 | 0 | `reset.probability` |
/// | `reset_direction` | `request`, `response` or `both` | `both` | `reset.directions` |
/// | `stall.direction` | `request` or `response` | `response` | `stall.direction` |
/// | `stall.after_bytes` | integer ≥ 0 | 0 | `stall.afterBytes` |
/// | `stall.duration_ms` | integer ≥ 1, or `forever` | `forever` | `stall.duration` |
/// | `drop_response_after_server` | `true`, `false`, `close` or `reset` | `false` | `dropResponse` |
public struct FaultPlan: Sendable, Equatable {
    /// Seeds the random source of jitter and reset draws, so a run repeats; not a secret.
    ///
    /// Each direction of each connection draws from its own stream (seed, connection number,
    /// direction), so two runs that open connections in the same order and read the same chunks
    /// make the same draws, whatever the thread timing.
    public var seed: UInt64 = 1
    /// Added before each chunk is forwarded, in both directions. Chunks are not pipelined: a
    /// response read in three chunks waits three times.
    public var latency: Duration = .zero
    /// Spread of the latency: each delay is drawn uniformly from `latency ± jitter`, never below zero.
    public var jitter: Duration = .zero
    /// The most bytes per second that each direction of each connection carries; nil for no limit.
    public var bandwidthBytesPerSecond: Int?
    /// Resetting connections (RST to both peers); nil for never.
    public var reset: Reset?
    /// Holding back one direction without closing it; nil for never.
    public var stall: Stall?
    /// Dropping the server's response after the server acted; nil to deliver every response.
    public var dropResponse: DropResponse?

    /// A plan that forwards every byte untouched.
    public init() {}

    /// When the proxy resets a connection: it closes both sockets with `SO_LINGER` 0, so client
    /// and server each see `ECONNRESET`, and bytes not yet forwarded are lost.
    public struct Reset: Sendable, Equatable {
        /// The directions whose bytes are counted and drawn for. Default: both.
        public var directions: Set<FaultDirection> = [.request, .response]
        /// Reset once this many bytes have been forwarded in a watched direction of a connection:
        /// byte `afterBytes + 1` is never delivered. Nil: no byte limit. 0 resets on the first byte.
        public var afterBytes: Int?
        /// Chance, from 0 to 1, that a chunk in a watched direction is replaced by a reset. Default 0.
        public var probability: Double = 0

        /// A reset of both directions; set `afterBytes` or `probability` to make it happen.
        public init(
            directions: Set<FaultDirection> = [.request, .response],
            afterBytes: Int? = nil,
            probability: Double = 0
        ) {
            self.directions = directions
            self.afterBytes = afterBytes
            self.probability = probability
        }
    }

    /// A half-open stall: the proxy stops forwarding one direction without closing anything.
    ///
    /// The stall starts when a byte beyond `afterBytes` arrives, once per connection, and ends
    /// after `duration` (then forwarding resumes), when the receiving peer closes or resets
    /// (then the connection is closed), or when the proxy stops.
    public struct Stall: Sendable, Equatable {
        /// The direction held back. Default: the response.
        public var direction: FaultDirection = .response
        /// Bytes forwarded in that direction before the stall. Default 0: nothing gets through.
        public var afterBytes: Int = 0
        /// How long the stall lasts; nil for forever. Default: forever.
        public var duration: Duration?

        /// A stall of `direction` after `afterBytes`, for `duration` (nil: forever).
        public init(direction: FaultDirection = .response, afterBytes: Int = 0, duration: Duration? = nil) {
            self.direction = direction
            self.afterBytes = afterBytes
            self.duration = duration
        }
    }

    /// Dropping the response after the server acted.
    ///
    /// The whole request reaches the server. The proxy reads the server's whole response
    /// (framed by `Content-Length`, chunked encoding, or the server closing; 1xx responses are
    /// skipped), delivers none of it, then ends the client's connection: the server did act, the
    /// client never learns the outcome. A response whose end cannot be told (an answer to `HEAD`,
    /// say) counts as complete once the server sends nothing for `idleLimit`.
    public struct DropResponse: Sendable, Equatable {
        /// How the client's connection ends: an orderly close (FIN) or a reset (RST).
        public enum Ending: String, Sendable, Hashable {
            /// An orderly close: the client reads end of stream.
            case close
            /// A reset: the client reads `ECONNRESET`.
            case reset
        }

        /// How the client's connection ends. Default: `.close`.
        public var ending: Ending = .close
        /// Silence from the server after which a response is taken as complete. Default 2 s.
        public var idleLimit: Duration = .seconds(2)

        /// A drop that ends the client's connection with `ending`.
        public init(ending: Ending = .close, idleLimit: Duration = .seconds(2)) {
            self.ending = ending
            self.idleLimit = idleLimit
        }
    }

    /// Whether the plan leaves traffic untouched.
    public var isPassThrough: Bool {
        self == FaultPlan(seedOf: self)
    }

    private init(seedOf plan: FaultPlan) {
        seed = plan.seed
    }

    /// Every value out of range, each naming its field; empty when the plan can run.
    public var problems: [String] {
        var found: [String] = []
        if latency < .zero { found.append("latency is negative") }
        if jitter < .zero { found.append("jitter is negative") }
        if let rate = bandwidthBytesPerSecond, rate < 1 { found.append("bandwidthBytesPerSecond is below 1") }
        if let reset {
            if reset.directions.isEmpty { found.append("reset.directions is empty") }
            if let after = reset.afterBytes, after < 0 { found.append("reset.afterBytes is negative") }
            if !(0...1).contains(reset.probability) { found.append("reset.probability is not between 0 and 1") }
        }
        if let stall {
            if stall.afterBytes < 0 { found.append("stall.afterBytes is negative") }
            if let duration = stall.duration, duration <= .zero { found.append("stall.duration is not positive") }
        }
        if let drop = dropResponse, drop.idleLimit <= .zero {
            found.append("dropResponse.idleLimit is not positive")
        }
        return found
    }
}
