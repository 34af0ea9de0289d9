import Dispatch
import Glibc

/// Blocks the caller until the process is asked to stop.
public enum SignalWaiter {
    /// Blocks until SIGINT or SIGTERM arrives, then returns.
    ///
    /// Both signals are ignored by default handling while waiting (so neither kills the process
    /// mid-shutdown) and seen through dispatch sources. On return the default handling is back:
    /// a second signal during a slow shutdown ends the process.
    public static func waitForTermination() {
        waitForTermination(whenReady: {})
    }

    /// As `waitForTermination()`, calling `whenReady` once the signals are being watched.
    static func waitForTermination(whenReady: () -> Void) {
        let signals = [SIGINT, SIGTERM]
        let queue = DispatchQueue(label: "stepgate.signals")
        let arrived = DispatchSemaphore(value: 0)
        let sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { arrived.signal() }
            source.resume()
            return source
        }
        whenReady()
        arrived.wait()
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
