import Foundation
import Testing

@testable import StepgateCore

@Suite struct FailureBudgetTests {
    let budget = FailureBudget()
    let clock = InsecureTestClock(Date(timeIntervalSince1970: 1_700_000_000))

    @Test func retryAfter_allowsUnderBudget() {
        let oldest = clock.now.addingTimeInterval(-100)
        #expect(budget.retryAfter(count: 9, oldestInWindow: oldest, now: clock.now) == nil)
        #expect(budget.retryAfter(count: 0, oldestInWindow: nil, now: clock.now) == nil)
    }

    @Test func retryAfter_waitsUntilOldestSlidesOut() {
        let oldest = clock.now.addingTimeInterval(-100)
        #expect(budget.retryAfter(count: 10, oldestInWindow: oldest, now: clock.now) == 800)
    }

    @Test func retryAfter_roundsUpToWholeSecondAtLeastOne() {
        let oldest = clock.now.addingTimeInterval(-899.5)
        #expect(budget.retryAfter(count: 10, oldestInWindow: oldest, now: clock.now) == 1)
        let later = clock.now.addingTimeInterval(-100.25)
        #expect(budget.retryAfter(count: 10, oldestInWindow: later, now: clock.now) == 800)
    }

    @Test func retryAfter_ownerCanRetryAfterWindowSlides() {
        var failures = (0..<10).map { clock.now.addingTimeInterval(TimeInterval($0)) }
        clock.advance(by: 10)
        #expect(budget.retryAfter(failureTimes: failures, now: clock.now) == 890)
        clock.advance(by: 890)
        #expect(budget.retryAfter(failureTimes: failures, now: clock.now) == nil)
        failures.append(clock.now)
        #expect(budget.retryAfter(failureTimes: failures, now: clock.now) == 1)
    }

    @Test func retryAfter_pastBudgetWaitsForEnoughToSlideOut() {
        let failures = (0..<12).map { clock.now.addingTimeInterval(TimeInterval($0 * 10)) }
        clock.advance(by: 120)
        // Two failures over budget: the third-oldest (at +20 s) must slide out.
        #expect(budget.retryAfter(failureTimes: failures, now: clock.now) == 800)
    }

    @Test func retryAfter_ignoresFailuresOutsideWindow() {
        let failures = (0..<10).map { clock.now.addingTimeInterval(TimeInterval(-1000 - $0)) }
        #expect(budget.retryAfter(failureTimes: failures, now: clock.now) == nil)
    }

    @Test func windowStart_isWindowBeforeNow() {
        #expect(budget.windowStart(now: clock.now) == clock.now.addingTimeInterval(-900))
    }
}
