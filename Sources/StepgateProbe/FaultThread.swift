import Glibc

/// A POSIX thread running one closure, which can be joined: the fault proxy's `stop()` returns
/// only after every thread it started has ended.
final class FaultThread: Sendable {
    private let handle: pthread_t
    private let joined = FaultLocked(false)

    private init(handle: pthread_t) {
        self.handle = handle
    }

    /// Starts `body` on a new thread.
    ///
    /// - Throws: `FaultProxyError` (`.threadFailed`) when the system refuses another thread.
    static func start(_ body: @escaping @Sendable () -> Void) throws(FaultProxyError) -> FaultThread {
        let box = Unmanaged.passRetained(Body(body))
        var handle = pthread_t()
        // Safety: the new thread takes the box's +1 reference and releases it; when creation
        // fails no thread exists, so the reference is released here.
        let result = pthread_create(
            &handle,
            nil,
            { context in
                guard let context else { return nil }
                Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
                return nil
            },
            box.toOpaque()
        )
        guard result == 0 else {
            box.release()
            throw FaultProxyError(.threadFailed, "pthread_create error \(result)")
        }
        return FaultThread(handle: handle)
    }

    /// Waits until the thread has ended. Harmless twice; never call it from the thread itself.
    func join() {
        joined.withLock { done in
            guard !done else { return }
            done = true
            _ = pthread_join(handle, nil)
        }
    }

    private final class Body: Sendable {
        let run: @Sendable () -> Void

        init(_ run: @escaping @Sendable () -> Void) {
            self.run = run
        }
    }
}
