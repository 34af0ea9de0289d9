import Foundation
import Glibc

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
            // Safety: send reads at most the slice's bytes during the call.
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
        // Safety: recv writes at most the buffer's count into it.
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
