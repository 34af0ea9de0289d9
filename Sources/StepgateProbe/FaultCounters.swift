/// What a fault proxy did, for the report; counts since the proxy was made.
public struct FaultCounters: Sendable, Equatable {
    /// Client connections accepted.
    public var connections = 0
    /// Connections to the target that failed (refused, unreachable, timed out after 10 s); the
    /// client's connection was reset.
    public var upstreamFailures = 0
    /// Request bytes delivered to the server.
    public var requestBytes = 0
    /// Response bytes delivered to the client.
    public var responseBytes = 0
    /// Chunks held back by added latency.
    public var delayedChunks = 0
    /// Connections the plan reset; resets sent by a peer and passed on are not counted.
    public var resets = 0
    /// Stalls begun.
    public var stalls = 0
    /// Responses read from the server and never delivered.
    public var droppedResponses = 0
    /// Bytes of those responses.
    public var droppedBytes = 0

    /// All zero.
    public init() {}
}
