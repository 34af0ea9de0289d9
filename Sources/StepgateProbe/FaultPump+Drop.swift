import Glibc

extension FaultPump {
    /// Reads the server's whole response, delivers none of it, then ends the connection as
    /// `drop.ending` says (the server's side closes in order: it did its part).
    ///
    /// A server that closes before sending anything is passed on as a plain end of stream, and a
    /// server reset before any byte as a reset: nothing was dropped then.
    mutating func runDropping(_ drop: FaultPlan.DropResponse) {
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        var framer = FaultResponseFramer()
        var received = 0
        reading: while !framer.isComplete {
            let deadline = received > 0 ? ContinuousClock.now + drop.idleLimit : nil
            switch FaultWait.until(source, Int16(POLLIN), wake: connection.wake, deadline: deadline) {
            case .woken:
                return
            case .timedOut:
                break reading
            case .ready:
                break
            }
            switch FaultSocket.receive(source, into: &buffer) {
            case .wouldBlock:
                continue
            case .bytes(0) where received == 0:
                FaultSocket.shutdownWrite(destination)
                return
            case .failed where received == 0:
                connection.end(.resetBoth)
                return
            case .bytes(0), .failed:
                break reading
            case .bytes(let count):
                received += count
                framer.consume(buffer[0..<count])
            }
        }

        let total = received
        connection.state.count { counters in
            counters.droppedResponses += 1
            counters.droppedBytes += total
        }
        connection.end(FaultEnding(resetClient: drop.ending == .reset, resetServer: false))
    }
}
