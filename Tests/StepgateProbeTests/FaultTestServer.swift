import Foundation
import Glibc

@testable import StepgateProbe

/// A TCP server on 127.0.0.1 for the fault proxy tests, in plain blocking POSIX calls (none of
/// the proxy's own socket code; only its TSan-visible lock): it keeps every byte it receives and, when `echo` is set, sends
/// each chunk straight back. It notes how each connection ended: end of stream or reset.
final class FaultTestServer: Sendable {
    /// How a connection to the server ended.
    enum Ending: Equatable {
        case endOfStream
        case reset
        case other(Int32)
    }

    let port: Int
    private let listener: Int32
    private let echo: Bool
    private let state = FaultLocked(State())
    private let finished = DispatchGroup()

    private struct State {
        var received: [UInt8] = []
        var endings: [Ending] = []
        var open: Set<Int32> = []
        var accepted = 0
        var stopped = false
    }

    init(echo: Bool = true) throws {
        self.echo = echo
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(INADDR_LOOPBACK).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            // Safety: sockaddr_in begins with the sockaddr header and is `length` bytes long.
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(listener, generic, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, generic, &length) == 0
            }
        }
        guard listening else {
            Glibc.close(listener)
            throw FaultTestFailure("test server could not listen, errno \(errno)")
        }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        finished.enter()
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit {
        stop()
    }

    /// Every byte received so far, from all connections in arrival order.
    var received: [UInt8] {
        state.withLock { $0.received }
    }

    /// How each finished connection ended, in order.
    var endings: [Ending] {
        state.withLock { $0.endings }
    }

    /// Connections accepted so far.
    var accepted: Int {
        state.withLock { $0.accepted }
    }

    /// Waits (up to two seconds) until `condition` holds of the server; whether it did.
    func waitUntil(_ condition: (FaultTestServer) -> Bool) -> Bool {
        FaultTestWait.until { condition(self) }
    }

    /// Stops accepting, wakes and closes every connection, waits for every thread.
    func stop() {
        let first = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped
        }
        guard first else { return }
        _ = shutdown(listener, Int32(SHUT_RDWR))
        state.withLock { state in
            for descriptor in state.open { _ = shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
        finished.wait()
        close(listener)
    }

    private func acceptLoop() {
        defer { finished.leave() }
        while true {
            let descriptor = accept(listener, nil, nil)
            guard descriptor >= 0 else { return }
            let admitted = state.withLock { state in
                guard !state.stopped else { return false }
                state.open.insert(descriptor)
                state.accepted += 1
                return true
            }
            guard admitted else {
                close(descriptor)
                return
            }
            finished.enter()
            let thread = Thread { [self] in serve(descriptor) }
            thread.start()
        }
    }

    private func serve(_ descriptor: Int32) {
        defer { finished.leave() }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var ending = Ending.endOfStream
        while true {
            // Safety: recv writes at most the buffer's count into it.
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count < 0 {
                ending = errno == ECONNRESET ? .reset : .other(errno)
                break
            }
            state.withLock { $0.received += buffer[0..<count] }
            if echo {
                // Safety: the buffer holds at least `count` bytes, which send reads during the call.
                _ = buffer.withUnsafeBytes { send(descriptor, $0.baseAddress, count, Int32(MSG_NOSIGNAL)) }
            }
        }
        state.withLock {
            $0.endings.append(ending)
            $0.open.remove(descriptor)
        }
        close(descriptor)
    }
}
