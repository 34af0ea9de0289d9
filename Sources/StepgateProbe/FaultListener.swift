import Glibc

/// A running fault proxy: the listening socket, the accept thread, and the connection threads.
///
/// `stop` signals the stop event, which every thread's waits watch, then joins the accept
/// thread and every connection thread, and closes the listener and the event last.
final class FaultListener: Sendable {
    /// The port on 127.0.0.1 that clients connect to.
    let port: Int
    private let listener: Int32
    private let stopEvent: FaultEvent
    private let target: (host: String, port: Int)
    private let state: FaultProxyState
    private let acceptThread = FaultLocked<FaultThread?>(nil)
    /// Connection threads not joined yet, by connection number.
    private let connections = FaultLocked<[Int: FaultThread]>([:])
    /// Numbers of connections whose thread has finished its work and can be joined.
    private let finished = FaultLocked<[Int]>([])
    private let nextNumber = FaultLocked(0)

    /// Binds, then starts accepting on a new thread.
    init(target: (host: String, port: Int), state: FaultProxyState) throws(FaultProxyError) {
        let bound = try FaultSocket.listenOnLoopback()
        state.opened(bound.descriptor)
        let event: FaultEvent
        do {
            event = try state.openEvent()
        } catch {
            state.close(bound.descriptor)
            throw error
        }
        listener = bound.descriptor
        port = bound.port
        stopEvent = event
        self.target = target
        self.state = state
        do {
            let thread = try FaultThread.start { [self] in acceptLoop() }
            acceptThread.withLock { $0 = thread }
        } catch {
            closeDescriptors()
            throw error
        }
    }

    /// Stops accepting, ends every connection, joins every thread, closes every descriptor.
    func stop() {
        FaultSocket.signal(stopEvent)
        acceptThread.withLock { $0 }?.join()
        let remaining = connections.withLock { threads in
            defer { threads = [:] }
            return Array(threads.values)
        }
        for thread in remaining { thread.join() }
        closeDescriptors()
    }

    private func closeDescriptors() {
        state.close(listener)
        state.close(stopEvent)
    }

    private func acceptLoop() {
        let wake = FaultWake(proxy: stopEvent, connection: nil)
        while true {
            reapFinished()
            guard FaultWait.readable(listener, wake: wake) else { return }
            let (accepted, code) = FaultSocket.accept(listener)
            guard let client = accepted else {
                if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM {
                    // Out of descriptors: pending clients wait in the backlog until some close.
                    guard FaultWait.sleep(until: .now + .milliseconds(50), wake: wake) else { return }
                }
                continue
            }
            state.opened(client)
            admit(client)
        }
    }

    /// Starts the connection's thread, or resets the client when that is impossible.
    private func admit(_ client: Int32) {
        // Read before the connection is counted: whoever sees the count and then changes the
        // plan does not change this connection's.
        let plan = state.plan
        let number = nextNumber.withLock { next in
            defer { next += 1 }
            return next
        }
        state.count { $0.connections += 1 }
        guard let endEvent = try? state.openEvent() else {
            state.close(client, reset: true)
            return
        }
        let context = FaultConnection.Context(target: target, stopEvent: stopEvent, state: state)
        let connection = FaultConnection(
            number: number,
            client: client,
            plan: plan,
            endEvent: endEvent,
            context: context
        )
        do {
            let thread = try FaultThread.start { [self] in
                connection.run()
                finished.withLock { $0.append(number) }
            }
            connections.withLock { $0[number] = thread }
        } catch {
            state.close(client, reset: true)
            state.close(endEvent)
        }
    }

    /// Joins the threads of connections that have ended, so finished threads do not pile up.
    private func reapFinished() {
        let numbers = finished.withLock { numbers in
            defer { numbers = [] }
            return numbers
        }
        let threads = connections.withLock { threads in numbers.compactMap { threads.removeValue(forKey: $0) } }
        for thread in threads { thread.join() }
    }
}
