import Dispatch
import Glibc
@testable import StepgateHTTP
import Testing

@Suite struct SignalWaiterTests {
    @Test func waitForTermination_returnsOnSIGTERM() {
        let returned = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            SignalWaiter.waitForTermination(whenReady: { kill(getpid(), SIGTERM) })
            returned.signal()
        }
        returned.wait()
    }
}
