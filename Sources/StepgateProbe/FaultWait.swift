import Glibc

/// A pipe used as a one-shot event: `FaultSocket.signal` writes a byte, nobody reads it, so the
/// read end stays readable from then on.
struct FaultEvent: Sendable {
    /// Polled by waiters.
    let readable: Int32
    /// Written by `FaultSocket.signal`.
    let writable: Int32
}

/// The events whose firing ends any wait of a proxy thread: the proxy stopping, and (for a
/// connection's threads) that connection ending.
struct FaultWake: Sendable {
    /// Fires once the proxy stops.
    let proxy: FaultEvent
    /// Fires once the connection ends; nil outside a connection.
    let connection: FaultEvent?
}

/// Every blocking wait of the fault proxy: `poll` on one socket plus the wake descriptors, so
/// `stop()` and a connection's end reach threads wherever they wait.
enum FaultWait {
    /// How a wait ended.
    enum Outcome: Equatable {
        /// The socket reported these `poll` events.
        case ready(Int16)
        /// The deadline passed.
        case timedOut
        /// The proxy is stopping or the connection is ending.
        case woken
    }

    /// Waits until `descriptor` reports one of `events`, `deadline` passes (nil: never), or a
    /// wake descriptor fires. A negative `descriptor` waits for the deadline or the wake only.
    static func until(
        _ descriptor: Int32,
        _ events: Int16,
        wake: FaultWake,
        deadline: ContinuousClock.Instant?
    ) -> Outcome {
        var watched = [
            pollfd(fd: descriptor, events: events, revents: 0),
            pollfd(fd: wake.proxy.readable, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake.connection?.readable ?? -1, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let remaining = ContinuousClock.now.duration(to: deadline)
                timeout = remaining <= .zero ? 0 : milliseconds(roundingUp: remaining)
            }
            let result = poll(&watched, nfds_t(watched.count), timeout)
            if result < 0 {
                if errno == EINTR { continue }
                return .woken
            }
            if watched[1].revents != 0 || watched[2].revents != 0 { return .woken }
            if watched[0].revents != 0 { return .ready(watched[0].revents) }
            if let deadline, ContinuousClock.now >= deadline { return .timedOut }
        }
    }

    /// `POLLRDHUP` (Linux): the peer closed or half-closed its side. Glibc as Swift imports it
    /// lacks the constant, which needs `_GNU_SOURCE`; the value is fixed by the Linux ABI.
    static let peerHangUp: Int16 = 0x2000

    /// Waits until `descriptor` is readable (or hung up); false when woken first.
    static func readable(_ descriptor: Int32, wake: FaultWake) -> Bool {
        until(descriptor, Int16(POLLIN), wake: wake, deadline: nil) != .woken
    }

    /// Waits until `descriptor` can take more bytes (or failed); false when woken first.
    static func writable(_ descriptor: Int32, wake: FaultWake) -> Bool {
        until(descriptor, Int16(POLLOUT), wake: wake, deadline: nil) != .woken
    }

    /// Sleeps until `deadline`; false when woken first.
    static func sleep(until deadline: ContinuousClock.Instant, wake: FaultWake) -> Bool {
        until(-1, 0, wake: wake, deadline: deadline) == .timedOut
    }

    /// `duration` in whole milliseconds, rounded up so a wait never ends early; at most a day.
    static func milliseconds(roundingUp duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        guard seconds < 86_400 else { return 86_400_000 }
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let millis = seconds * 1000 + (attoseconds + perMillisecond - 1) / perMillisecond
        return Int32(max(millis, 0))
    }
}
