import Foundation
import Dispatch
import Synchronization

extension CaseContext {
    /// Runs `body` on `count` threads released at the same instant (after all are ready), for
    /// the raced cases; returns each thread's result in index order.
    public func race<Value: Sendable>(
        _ count: Int,
        _ body: @escaping @Sendable (Int) throws -> Value
    ) -> [Result<Value, any Error>] {
        let results = Mutex<[Int: Result<Value, any Error>]>([:])
        let ready = DispatchSemaphore(value: 0)
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread.detachNewThread {
                ready.signal()
                start.wait()
                let result = Result { try body(index) }
                results.withLock { $0[index] = result }
                group.leave()
            }
        }
        for _ in 0..<count { ready.wait() }
        for _ in 0..<count { start.signal() }
        group.wait()
        return results.withLock { all in
            (0..<count).map { all[$0] ?? .failure(CaseFailed("a racer vanished")) }
        }
    }
}
