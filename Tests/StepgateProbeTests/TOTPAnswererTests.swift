import Foundation
import StepgateCore
import StepgateProbe
import Synchronization
import Testing

/// Moves the test clock instead of sleeping, and remembers how long it was asked to wait.
final class ClockSleeper: Sleeper {
    let clock: InsecureTestClock
    private let waits = Mutex<[Double]>([])

    init(_ clock: InsecureTestClock) {
        self.clock = clock
    }

    func sleep(seconds: Double) {
        waits.withLock { $0.append(seconds) }
        clock.advance(by: seconds)
    }

    var waited: [Double] { waits.withLock { $0 } }
}

@Suite struct TOTPAnswererTests {
    /// RFC 6238 Appendix B's SHA-1 seed ("12345678901234567890").
    static let seed = Secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")

    private func answerer(at seconds: Double) -> (TOTPAnswerer, ClockSleeper) {
        let clock = InsecureTestClock(Date(timeIntervalSince1970: seconds))
        let sleeper = ClockSleeper(clock)
        let answerer = TOTPAnswerer(seed: Self.seed, clock: clock, sleeper: sleeper)
        return (answerer!, sleeper)  // Safety: the seed is valid base32.
    }

    @Test func freshCode_usesTheCurrentStepFirst() throws {
        let (totp, sleeper) = answerer(at: 59)
        let code = try totp.freshCode(maxWait: 30)
        #expect(code == TOTPAnswerer.Code(value: "287082", step: 1))
        #expect(sleeper.waited.isEmpty)
    }

    @Test func freshCode_waitsForTheNextStepRatherThanReuse() throws {
        let (totp, sleeper) = answerer(at: 40)
        let first = try totp.freshCode(maxWait: 30)
        let second = try totp.freshCode(maxWait: 30)
        #expect(second.step == first.step + 1)
        #expect(sleeper.waited.count == 1)
        #expect(abs(sleeper.waited[0] - 20.05) < 0.001)
    }

    @Test func freshCode_refusesToWaitLongerThanAllowed() throws {
        let (totp, sleeper) = answerer(at: 31)
        _ = try totp.freshCode(maxWait: 30)
        #expect(throws: ProbeError.self) { try totp.freshCode(maxWait: 10) }
        #expect(sleeper.waited.isEmpty)
    }

    @Test func replayableCode_holdsOnlyWhileInTheVerifiersWindow() throws {
        let (totp, sleeper) = answerer(at: 30)
        let code = try totp.freshCode(maxWait: 0)
        #expect(totp.replayableCode == nil)
        totp.accepted(code)
        #expect(totp.replayableCode == code)
        sleeper.sleep(seconds: 30)
        #expect(totp.replayableCode == code)
        sleeper.sleep(seconds: 30)
        #expect(totp.replayableCode == nil)
    }

    @Test func seed_mustBeBase32() {
        let clock = InsecureTestClock(Date())
        #expect(TOTPAnswerer(seed: Secret("not base32!"), clock: clock, sleeper: ClockSleeper(clock)) == nil)
    }
}

/// `TOTPAnswerer.wrongCode()`: a guess that cannot be right and uses up nothing.
@Suite struct TOTPWrongCodeTests {
    @Test(arguments: [59.0, 1_111_111_109, 1_234_567_890, 2_000_000_000])
    func wrongCode_isNoCodeNearNow_andMarksNoStep(seconds: Double) throws {
        let clock = InsecureTestClock(Date(timeIntervalSince1970: seconds))
        let sleeper = ClockSleeper(clock)
        let totp = try #require(TOTPAnswerer(seed: TOTPAnswererTests.seed, clock: clock, sleeper: sleeper))
        let wrong = totp.wrongCode()
        #expect(wrong.count == 6 && wrong.allSatisfy(\.isNumber))
        let fresh = try totp.freshCode(maxWait: 0)
        #expect(fresh.value != wrong)
        clock.advance(by: 30)
        #expect(try totp.freshCode(maxWait: 0).value != wrong)
        #expect(sleeper.waited.isEmpty)
    }
}
