import Dispatch
import Glibc

/// Blocks the caller until the process is asked to stop.
public enum SignalWaiter {
    /// Blocks until SIGINT or SIGTERM arrives, then returns.
    ///
    /// The default handling of both signals is set to ignore, then dispatch signal sources
    /// watch them (on Linux, libdispatch installs its own handler and reads a signalfd). Both
    /// stay caught after the return, so a second signal during shutdown does not kill the
    /// process halfway; call once per process.
    public static func waitForTermination() {
        waitForTermination(whenReady: {})
    }

    /// As `waitForTermination()`, calling `whenReady` once both sources are registered (a signal
    /// raised before that point could be dropped as ignored).
    static func waitForTermination(whenReady: () -> Void) {
        let signals = [SIGINT, SIGTERM]
        let queue = DispatchQueue(label: "stepgate.signals")
        let arrived = DispatchSemaphore(value: 0)
        let registered = DispatchSemaphore(value: 0)
        let sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setRegistrationHandler { registered.signal() }
            source.setEventHandler { arrived.signal() }
            source.resume()
            return source
        }
        for _ in sources { registered.wait() }
        whenReady()
        arrived.wait()
        for source in sources { source.cancel() }
    }
}
