/// How the proxy closes a connection's two sockets: with RST (`SO_LINGER` 0) or an orderly FIN.
struct FaultEnding: Sendable, Equatable {
    var resetClient = false
    var resetServer = false

    /// Both sockets closed in order.
    static let orderly = FaultEnding()
    /// Both sockets reset.
    static let resetBoth = FaultEnding(resetClient: true, resetServer: true)
}

/// One accepted client connection and its connection to the target: two pumps, one per
/// direction, and the descriptors they share.
///
/// `run` owns the descriptors: it connects, runs the request pump on the connection's thread and
/// the response pump on a second one, joins that, and closes everything. A pump that must end the
/// whole connection (a reset, a drop, a broken peer) calls `end`, which wakes the other pump.
final class FaultConnection: Sendable {
    /// The connection's number, counted from 0 per proxy; it picks the random streams.
    let number: Int
    /// The accepted client socket.
    let client: Int32
    /// The plan in force when the connection was accepted.
    let plan: FaultPlan
    /// The proxy's stop event and this connection's own end event.
    let wake: FaultWake
    /// Counters and the descriptor ledger.
    let state: FaultProxyState
    private let target: (host: String, port: Int)
    private let ending = FaultLocked<FaultEnding?>(nil)

    /// The longest wait for the target to accept a connection.
    static let connectTimeout = Duration.seconds(10)

    /// What every connection of one running proxy shares.
    struct Context: Sendable {
        /// Where connections go.
        let target: (host: String, port: Int)
        /// Fires once the proxy stops.
        let stopEvent: FaultEvent
        /// The plan for new connections, counters and the descriptor ledger.
        let state: FaultProxyState
    }

    /// Connection `number` from `client`, ended early by `endEvent`; it follows `plan`, the
    /// plan in force when the accept thread took it.
    init(number: Int, client: Int32, plan: FaultPlan, endEvent: FaultEvent, context: Context) {
        self.number = number
        self.client = client
        self.plan = plan
        self.wake = FaultWake(proxy: context.stopEvent, connection: endEvent)
        self.target = context.target
        self.state = context.state
    }

    /// Ends the whole connection; the first call decides how the sockets close.
    func end(_ how: FaultEnding) {
        ending.withLock { decided in
            if decided == nil { decided = how }
        }
        if let event = wake.connection { FaultSocket.signal(event) }
    }

    /// Connects to the target, forwards until both directions are done or the connection is
    /// ended, then closes every descriptor of the connection. Runs on the connection's thread.
    func run() {
        let connected = FaultSocket.connect(
            host: target.host,
            port: target.port,
            timeout: Self.connectTimeout,
            wake: wake
        )
        switch connected {
        case .socket(let server):
            state.opened(server)
            serve(server)
            state.close(server, reset: ending.withLock { $0?.resetServer ?? false })
            state.close(client, reset: ending.withLock { $0?.resetClient ?? false })
        case .failed:
            state.count { $0.upstreamFailures += 1 }
            state.close(client, reset: true)
        case .woken:
            state.close(client)
        }
        if let event = wake.connection { state.close(event) }
    }

    private func serve(_ server: Int32) {
        let responses: FaultThread
        do {
            responses = try FaultThread.start { [self] in
                var pump = FaultPump(direction: .response, source: server, destination: client, connection: self)
                pump.run()
            }
        } catch {
            end(.resetBoth)
            return
        }
        var requests = FaultPump(direction: .request, source: client, destination: server, connection: self)
        requests.run()
        responses.join()
    }
}
