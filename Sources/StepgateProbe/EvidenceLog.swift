import Synchronization

/// The exchanges and notes of one case, collected from any thread.
///
/// Keeps at most `limit` exchanges (later ones are counted, not kept), so a case that loops
/// cannot grow a report without bound.
public final class EvidenceLog: Sendable {
    private struct State {
        var exchanges: [Exchange] = []
        var notes: [String] = []
        var dropped = 0
    }

    private let state = Mutex(State())
    /// Most exchanges kept (default 200).
    public let limit: Int

    public init(limit: Int = 200) {
        self.limit = limit
    }

    /// Keeps `exchange` (already redacted).
    public func record(_ exchange: Exchange) {
        state.withLock { state in
            if state.exchanges.count < limit {
                state.exchanges.append(exchange)
            } else {
                state.dropped += 1
            }
        }
    }

    /// Adds a line for the reader of the report; it must hold no secret.
    public func note(_ text: String) {
        state.withLock { $0.notes.append(text) }
    }

    /// The exchanges in the order they finished.
    public var exchanges: [Exchange] { state.withLock { $0.exchanges } }

    /// The notes, plus one saying how many exchanges were not kept.
    public var notes: [String] {
        state.withLock { state in
            state.notes + (state.dropped > 0 ? ["\(state.dropped) more exchanges not kept"] : [])
        }
    }
}
