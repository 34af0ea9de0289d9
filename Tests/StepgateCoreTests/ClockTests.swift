import Foundation
import Testing

@testable import StepgateCore

@Suite struct ClockTests {
    @Test func insecureTestClock_movesOnlyWhenTold() {
        let start = Date(timeIntervalSince1970: 1_000)
        let clock = InsecureTestClock(start)
        #expect(clock.now == start)
        clock.advance(by: 90)
        #expect(clock.now == Date(timeIntervalSince1970: 1_090))
        clock.set(Date(timeIntervalSince1970: 5))
        #expect(clock.now == Date(timeIntervalSince1970: 5))
    }

    @Test func systemClock_isNearFoundationDate() {
        #expect(abs(SystemClock().now.timeIntervalSinceNow) < 60)
    }
}
