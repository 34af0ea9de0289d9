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
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            if count < 0 {
                ending = errno == ECONNRESET ? .reset : .other(errno)
                break
            }
            state.withLock { $0.received += buffer[0..<count] }
            if echo {
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

/// A blocking TCP client for the tests, with a receive timeout so a test never hangs.
final class FaultTestClient {
    /// What a receive got.
    enum Received: Equatable {
        case bytes([UInt8])
        case endOfStream
        case reset
        case timedOut
    }

    let descriptor: Int32
    private var closed = false

    init(port: Int, timeoutMilliseconds: Int = 3000) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var timeout = timeval(tv_sec: timeoutMilliseconds / 1000, tv_usec: (timeoutMilliseconds % 1000) * 1000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(INADDR_LOOPBACK).bigEndian
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            // Safety: sockaddr_in begins with the sockaddr header; connect reads its size.
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            Glibc.close(descriptor)
            throw FaultTestFailure("test client could not connect, errno \(errno)")
        }
    }

    deinit {
        close()
    }

    /// Sends every byte of `bytes`; false when the socket failed.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// One receive of at most `limit` bytes.
    func receive(limit: Int = 65_536) -> Received {
        var buffer = [UInt8](repeating: 0, count: limit)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 { return .bytes(Array(buffer[0..<count])) }
        if count == 0 { return .endOfStream }
        return errno == ECONNRESET ? .reset : .timedOut
    }

    /// Receives until `count` bytes have arrived or the stream ends; the bytes and how it stopped.
    func receive(count: Int) -> (bytes: [UInt8], ending: Received?) {
        var bytes: [UInt8] = []
        while bytes.count < count {
            switch receive(limit: count - bytes.count) {
            case .bytes(let more): bytes += more
            case let ending: return (bytes, ending)
            }
        }
        return (bytes, nil)
    }

    /// Receives until the stream ends; the bytes and how it ended.
    func receiveToEnd() -> (bytes: [UInt8], ending: Received) {
        var bytes: [UInt8] = []
        while true {
            switch receive() {
            case .bytes(let more): bytes += more
            case let ending: return (bytes, ending)
            }
        }
    }

    /// Whether nothing arrives within `milliseconds`.
    func isQuiet(milliseconds: Int32) -> Bool {
        var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&watched, 1, milliseconds) == 0
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }
}

/// A test precondition that failed; the message says which.
struct FaultTestFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

enum FaultTestWait {
    /// Polls `condition` every 2 ms for up to `seconds`; whether it came true.
    static func until(seconds: Double = 2, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(2000)
        }
        return condition()
    }

    /// What each of `descriptors` refers to, from /proc/self/fd (`socket:[123]`, `pipe:[456]`);
    /// descriptors not open are left out.
    static func targets(of descriptors: Set<Int32>) -> [Int32: String] {
        var found: [Int32: String] = [:]
        for descriptor in descriptors {
            found[descriptor] = try? FileManager.default.destinationOfSymbolicLink(
                atPath: "/proc/self/fd/\(descriptor)"
            )
        }
        return found
    }

    /// Seconds since `start`.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        start.duration(to: .now) / .seconds(1)
    }
}
