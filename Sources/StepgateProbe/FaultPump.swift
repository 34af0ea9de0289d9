import Glibc

/// Forwards one direction of one connection and applies the plan's faults to it.
///
/// The pump reads a chunk, draws for a reset, waits out the latency, then delivers the chunk in
/// pieces: it stops at the reset and stall byte counts, and paces pieces to the bandwidth.
/// End of stream is passed on as a half-close; a peer's reset or a broken socket resets both
/// sides. In the response direction with `dropResponse` set, `runDropping` runs instead.
struct FaultPump {
    /// The most bytes one read takes.
    static let chunkSize = 16 * 1024

    let direction: FaultDirection
    let source: Int32
    let destination: Int32
    let connection: FaultConnection
    private var random: FaultRandom
    private var forwarded = 0
    private var stalled = false
    /// When the paced link is free to send the next piece.
    private var linkFree = ContinuousClock.now

    init(direction: FaultDirection, source: Int32, destination: Int32, connection: FaultConnection) {
        self.direction = direction
        self.source = source
        self.destination = destination
        self.connection = connection
        random = FaultRandom(seed: connection.plan.seed, connection: connection.number, direction: direction)
    }

    private var plan: FaultPlan { connection.plan }

    /// Forwards until end of stream, a fault or error ends it, or the connection or proxy stops.
    mutating func run() {
        if direction == .response, let drop = plan.dropResponse {
            runDropping(drop)
            return
        }
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        while true {
            guard FaultWait.readable(source, wake: connection.wake) else { return }
            switch FaultSocket.receive(source, into: &buffer) {
            case .wouldBlock:
                continue
            case .bytes(0):
                FaultSocket.shutdownWrite(destination)
                return
            case .bytes(let count):
                guard forward(buffer[0..<count]) else { return }
            case .failed:
                // The sender reset or broke its socket: the receiver learns the same way.
                connection.end(.resetBoth)
                return
            }
        }
    }

    /// Applies the faults to one chunk and delivers what they let through; false ends the pump.
    private mutating func forward(_ chunk: ArraySlice<UInt8>) -> Bool {
        let reset = plan.reset.flatMap { $0.directions.contains(direction) ? $0 : nil }
        if let reset, random.chance(reset.probability) { return injectReset() }
        if plan.latency > .zero || plan.jitter > .zero {
            let delay = random.jittered(plan.latency, spread: plan.jitter)
            connection.state.count { $0.delayedChunks += 1 }
            guard FaultWait.sleep(until: .now + delay, wake: connection.wake) else { return false }
        }

        var rest = chunk
        while !rest.isEmpty {
            if let after = reset?.afterBytes, forwarded >= after { return injectReset() }
            if let stall = pendingStall, forwarded >= stall.afterBytes {
                stalled = true
                guard hold(stall) else { return false }
            }
            var room = rest.count
            if let after = reset?.afterBytes { room = min(room, after - forwarded) }
            if let stall = pendingStall { room = min(room, stall.afterBytes - forwarded) }
            let piece = rest.prefix(room)
            guard deliver(piece) else { return false }
            forwarded += piece.count
            rest = rest.dropFirst(piece.count)
        }
        return true
    }

    /// The plan's stall, while it applies to this direction and has not happened yet.
    private var pendingStall: FaultPlan.Stall? {
        guard !stalled, let stall = plan.stall, stall.direction == direction else { return nil }
        return stall
    }

    /// Holds this direction back; true when the stall ran its course and forwarding resumes.
    ///
    /// The receiver hanging up (or resetting) ends the stall and closes the connection, so a
    /// client that gives up never leaves the proxy holding its connection forever.
    private func hold(_ stall: FaultPlan.Stall) -> Bool {
        connection.state.count { $0.stalls += 1 }
        let deadline = stall.duration.map { ContinuousClock.now + $0 }
        switch FaultWait.until(destination, FaultWait.peerHangUp, wake: connection.wake, deadline: deadline) {
        case .timedOut:
            return true
        case .woken:
            return false
        case .ready:
            connection.end(.orderly)
            return false
        }
    }

    private func injectReset() -> Bool {
        connection.state.count { $0.resets += 1 }
        connection.end(.resetBoth)
        return false
    }

    /// Sends `bytes`, paced to the bandwidth when the plan limits it.
    ///
    /// Pacing sends pieces of a fiftieth of a second's worth; a piece may start only once the
    /// one before it would have finished on a link of that rate, so an idle link saves no burst.
    private mutating func deliver(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let rate = plan.bandwidthBytesPerSecond else { return sendAll(bytes) }
        let pieceSize = max(1, min(Self.chunkSize, rate / 50))
        var rest = bytes
        while !rest.isEmpty {
            let piece = rest.prefix(pieceSize)
            let start = max(ContinuousClock.now, linkFree)
            guard FaultWait.sleep(until: start, wake: connection.wake), sendAll(piece) else { return false }
            linkFree = start + .seconds(Double(piece.count) / Double(rate))
            rest = rest.dropFirst(piece.count)
        }
        return true
    }

    /// Sends every byte, waiting while the receiver's buffer is full.
    private func sendAll(_ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes
        while !rest.isEmpty {
            switch FaultSocket.send(destination, rest) {
            case .bytes(let count):
                rest = rest.dropFirst(count)
            case .wouldBlock:
                guard FaultWait.writable(destination, wake: connection.wake) else { return false }
            case .failed:
                connection.end(.resetBoth)
                return false
            }
        }
        let count = bytes.count
        let direction = direction
        connection.state.count { counters in
            if direction == .request { counters.requestBytes += count } else { counters.responseBytes += count }
        }
        return true
    }
}
