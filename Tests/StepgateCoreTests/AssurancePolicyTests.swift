import Foundation
import Testing

@testable import StepgateCore

@Suite struct AssurancePolicyTests {
    let policy = AssurancePolicy.standard
    let clock = InsecureTestClock(Date(timeIntervalSince1970: 1_700_000_000))
    static let hour: TimeInterval = 3600

    private func event(_ method: AuthenticationMethod, secondsAgo: TimeInterval) -> AuthenticationEvent {
        AuthenticationEvent(method: method, time: clock.now.addingTimeInterval(-secondsAgo))
    }

    private func level(_ name: String) -> AssuranceLevel {
        policy.level(named: name)!
    }

    @Test func standard_offersThreeLevelsLowestFirst() throws {
        #expect(policy.supportedACRValues == ["aal1", "aal2", "aal3"])
        #expect(level("aal1").idleLifetime == nil)
        #expect(level("aal2").absoluteLifetime == 24 * Self.hour)
        #expect(level("aal2").idleLifetime == Self.hour)
        #expect(level("aal3").absoluteLifetime == 12 * Self.hour)
        #expect(level("aal3").idleLifetime == 900)
        _ = try AssurancePolicy(levels: policy.levels)
    }

    @Test func level_unknownNameIsNil() {
        #expect(policy.level(named: "aal9") == nil)
        #expect(policy.level(named: "") == nil)
    }

    @Test func achievedLevel_passwordOnlyGivesAAL1() {
        let events = [event(.pwd, secondsAgo: 10)]
        #expect(policy.achievedLevel(events: events, lastSeen: clock.now, now: clock.now)?.name == "aal1")
    }

    @Test func achievedLevel_noEventsGivesNone() {
        #expect(policy.achievedLevel(events: [], lastSeen: clock.now, now: clock.now) == nil)
    }

    @Test func achievedLevel_otpAloneGivesNone() {
        let events = [event(.otp, secondsAgo: 10)]
        #expect(policy.achievedLevel(events: events, lastSeen: clock.now, now: clock.now) == nil)
    }

    @Test func achievedLevel_passwordAndOTPGivesAAL2() {
        let events = [event(.pwd, secondsAgo: 20), event(.otp, secondsAgo: 10)]
        let achieved = policy.achievedLevel(events: events, lastSeen: clock.now, now: clock.now)
        #expect(achieved?.name == "aal2")
        #expect(policy.amr(events: events, level: achieved!, now: clock.now) == ["pwd", "otp", "mfa"])
        #expect(policy.authTime(events: events, level: achieved!, now: clock.now) == events[1].time)
    }

    @Test func achievedLevel_passwordAndUserVerifyingHardwareKeyGivesAAL3() {
        let events = [event(.pwd, secondsAgo: 20), event(.hwkVerified, secondsAgo: 10)]
        let achieved = policy.achievedLevel(events: events, lastSeen: clock.now, now: clock.now)
        #expect(achieved?.name == "aal3")
        #expect(policy.amr(events: events, level: achieved!, now: clock.now) == ["pwd", "hwk", "pin", "mfa"])
    }

    @Test func achievedLevel_hardwareKeyWithoutUserVerificationGivesAAL2() {
        let events = [event(.pwd, secondsAgo: 20), event(.hwk, secondsAgo: 10)]
        #expect(policy.achievedLevel(events: events, lastSeen: clock.now, now: clock.now)?.name == "aal2")
    }

    @Test func achievedLevel_syncedPasskeyDoesNotGiveAAL3() {
        let events = [event(.pwd, secondsAgo: 20), event(.swkVerified, secondsAgo: 10)]
        #expect(policy.achievedLevel(events: events, lastSeen: clock.now, now: clock.now)?.name == "aal2")
    }

    @Test func achievedLevel_keyAndSeparatePINDoNotMakeAComposite() {
        let events = [event(.pwd, secondsAgo: 30), event(.hwk, secondsAgo: 20), event(.pin, secondsAgo: 10)]
        #expect(policy.achievedLevel(events: events, lastSeen: clock.now, now: clock.now)?.name == "aal2")
    }

    @Test func achievedLevel_sameChannelTwiceIsOneFactor() throws {
        let twoCodes = try AssurancePolicy(levels: [
            AssuranceLevel(
                name: "two",
                rank: 1,
                requirement: [[.sms, .email], [.sms, .email]],
                absoluteLifetime: 3600,
                idleLifetime: nil
            )
        ])
        let sameChannel = [event(.sms, secondsAgo: 20), event(.sms, secondsAgo: 10)]
        #expect(twoCodes.achievedLevel(events: sameChannel, lastSeen: clock.now, now: clock.now) == nil)
        let twoChannels = [event(.sms, secondsAgo: 20), event(.email, secondsAgo: 10)]
        #expect(twoCodes.achievedLevel(events: twoChannels, lastSeen: clock.now, now: clock.now)?.name == "two")
    }

    @Test func achievedLevel_oneEventNeverMeetsTwoSets() throws {
        let custom = try AssurancePolicy(levels: [
            AssuranceLevel(
                name: "l",
                rank: 1,
                requirement: [[.otp, .sms], [.otp]],
                absoluteLifetime: 3600,
                idleLifetime: nil
            )
        ])
        let missing = custom.missingMethods(
            for: custom.levels[0],
            events: [event(.otp, secondsAgo: 10)],
            lastSeen: clock.now,
            now: clock.now
        )
        // otp goes to the set only it can meet; the first set is left for sms.
        #expect(missing == [[.otp, .sms]])
        let both = [event(.otp, secondsAgo: 10), event(.sms, secondsAgo: 5)]
        #expect(custom.achievedLevel(events: both, lastSeen: clock.now, now: clock.now)?.name == "l")
    }

    @Test func achievedLevel_idleTimeoutDropsAAL2ToAAL1() {
        let events = [event(.pwd, secondsAgo: 20), event(.otp, secondsAgo: 10)]
        let lastSeen = clock.now
        clock.advance(by: Self.hour - 1)
        #expect(policy.achievedLevel(events: events, lastSeen: lastSeen, now: clock.now)?.name == "aal2")
        clock.advance(by: 1)
        #expect(policy.achievedLevel(events: events, lastSeen: lastSeen, now: clock.now)?.name == "aal1")
        clock.advance(by: 20 * 24 * Self.hour)
        #expect(policy.achievedLevel(events: events, lastSeen: lastSeen, now: clock.now)?.name == "aal1")
    }

    @Test func achievedLevel_absoluteLifetimeDropsAAL2() {
        let events = [event(.pwd, secondsAgo: 20), event(.otp, secondsAgo: 10)]
        clock.advance(by: 24 * Self.hour - 20)
        #expect(policy.achievedLevel(events: events, lastSeen: clock.now, now: clock.now)?.name == "aal1")
    }

    @Test func achievedLevel_absoluteLifetimeDropsAAL1() {
        let events = [event(.pwd, secondsAgo: 30 * 24 * Self.hour)]
        #expect(policy.achievedLevel(events: events, lastSeen: clock.now, now: clock.now) == nil)
    }

    @Test func achievedLevel_maxAgeExcludesOldEvents() {
        let events = [event(.pwd, secondsAgo: 600), event(.otp, secondsAgo: 10)]
        let now = clock.now
        #expect(policy.achievedLevel(events: events, lastSeen: now, now: now, maxAge: 600)?.name == "aal2")
        #expect(policy.achievedLevel(events: events, lastSeen: now, now: now, maxAge: 599) == nil)
        #expect(policy.authTime(events: events, level: level("aal2"), now: now, maxAge: 599) == nil)
    }

    @Test func achievedLevel_ignoresFutureEvents() {
        let events = [event(.pwd, secondsAgo: 20), event(.otp, secondsAgo: -1)]
        #expect(policy.achievedLevel(events: events, lastSeen: clock.now, now: clock.now)?.name == "aal1")
    }

    @Test func achievedLevel_countsEventAtNow() {
        let events = [event(.pwd, secondsAgo: 0), event(.otp, secondsAgo: 0)]
        #expect(policy.achievedLevel(events: events, lastSeen: clock.now, now: clock.now, maxAge: 0)?.name == "aal2")
    }

    @Test func amr_listsMethodsInOrderOfFirstUse() {
        let events = [event(.otp, secondsAgo: 5), event(.pwd, secondsAgo: 30), event(.pwd, secondsAgo: 1)]
        #expect(policy.amr(events: events, level: level("aal2"), now: clock.now) == ["pwd", "otp", "mfa"])
    }

    @Test func amr_passwordOnlyHasNoMFA() {
        let events = [event(.pwd, secondsAgo: 30)]
        #expect(policy.amr(events: events, level: level("aal1"), now: clock.now) == ["pwd"])
    }

    @Test func amr_oneFactorKindIsNotMFA() throws {
        let knowledge = AssuranceLevel(
            name: "k",
            rank: 1,
            requirement: [[.pwd], [.kba]],
            absoluteLifetime: Self.hour,
            idleLifetime: nil
        )
        let policy = try AssurancePolicy(levels: [knowledge])
        let events = [event(.pwd, secondsAgo: 30), event(.kba, secondsAgo: 20)]
        #expect(policy.amr(events: events, level: knowledge, now: clock.now) == ["pwd", "kba"])
    }

    @Test func amr_unmetLevelIsEmpty() {
        let events = [event(.pwd, secondsAgo: 30)]
        #expect(policy.amr(events: events, level: level("aal2"), now: clock.now).isEmpty)
    }

    @Test func authTime_isMostRecentCountedEvent() {
        let events = [event(.pwd, secondsAgo: 300), event(.otp, secondsAgo: 100), event(.pwd, secondsAgo: 50)]
        #expect(policy.authTime(events: events, level: level("aal1"), now: clock.now) == events[2].time)
        #expect(policy.authTime(events: events, level: level("aal2"), now: clock.now) == events[2].time)
    }

    @Test func missingMethods_followsPasswordThenSecondFactor() {
        let aal2 = level("aal2")
        var events: [AuthenticationEvent] = []
        let first = policy.missingMethods(for: aal2, events: events, lastSeen: clock.now, now: clock.now)
        #expect(first == [[.pwd], [.otp, .hwk, .swk, .sms, .email, .recovery]])

        clock.advance(by: 5)
        events.append(AuthenticationEvent(method: .pwd, time: clock.now))
        let second = policy.missingMethods(for: aal2, events: events, lastSeen: clock.now, now: clock.now)
        #expect(second == [[.otp, .hwk, .swk, .sms, .email, .recovery]])

        clock.advance(by: 5)
        events.append(AuthenticationEvent(method: .otp, time: clock.now))
        #expect(policy.missingMethods(for: aal2, events: events, lastSeen: clock.now, now: clock.now).isEmpty)
    }

    @Test func missingMethods_idleLevelMissesEverySet() {
        let events = [event(.pwd, secondsAgo: 20), event(.otp, secondsAgo: 10)]
        let lastSeen = clock.now
        clock.advance(by: Self.hour)
        let missing = policy.missingMethods(for: level("aal2"), events: events, lastSeen: lastSeen, now: clock.now)
        #expect(missing == level("aal2").requirement)
    }

    @Test func retainedEvents_dropsSecondFactorOfIdleLevel() {
        let events = [event(.pwd, secondsAgo: 20), event(.otp, secondsAgo: 10)]
        let lastSeen = clock.now
        clock.advance(by: Self.hour)
        let kept = policy.retainedEvents(events, lastSeen: lastSeen, now: clock.now)
        #expect(kept == [events[0]])
        let missing = policy.missingMethods(for: level("aal2"), events: kept, lastSeen: clock.now, now: clock.now)
        #expect(missing == [[.otp, .hwk, .swk, .sms, .email, .recovery]])
    }

    @Test func retainedEvents_dropsEventsTooOldForEveryLevel() {
        let events = [event(.pwd, secondsAgo: 31 * 24 * Self.hour), event(.pwd, secondsAgo: 10)]
        #expect(policy.retainedEvents(events, lastSeen: clock.now, now: clock.now) == [events[1]])
    }

    @Test func meets_comparesRanks() {
        #expect(policy.meets(level("aal3"), level("aal2")))
        #expect(policy.meets(level("aal2"), level("aal2")))
        #expect(!policy.meets(level("aal1"), level("aal2")))
        #expect(!policy.meets(nil, level("aal1")))
    }

    @Test func init_rejectsEmptyLevels() {
        #expect(problems([]) == ["levels: expected at least one level, found none"])
    }

    @Test func init_rejectsDuplicateNames() {
        let found = problems([make("aal1", rank: 1), make("aal1", rank: 2)])
        #expect(found == ["levels[1].name: expected a unique name, found \"aal1\" again"])
    }

    @Test func init_rejectsRanksNotIncreasing() {
        let found = problems([make("a", rank: 2), make("b", rank: 2)])
        #expect(found == ["levels[1].rank: expected more than 2, found 2"])
    }

    @Test func init_rejectsNameWithSpace() {
        #expect(problems([make("aal 1", rank: 1)]).first?.hasPrefix("levels[0].name:") == true)
    }

    @Test func init_rejectsEmptyRequirement() {
        let found = problems([make("a", rank: 1, requirement: [])])
        #expect(found == ["levels[0].requirement: expected at least one set of methods, found none"])
    }

    @Test func init_rejectsEmptyRequirementSet() {
        let found = problems([make("a", rank: 1, requirement: [[.pwd], []])])
        #expect(found == ["levels[0].requirement[1]: expected at least one method, found none"])
    }

    @Test func init_rejectsNonPositiveLifetimes() {
        let found = problems([make("a", rank: 1, absolute: 0, idle: -1)])
        #expect(found.count == 2)
    }

    @Test func init_listsEveryProblem() {
        let found = problems([make("b", rank: 3), make("b", rank: 1, requirement: [])])
        #expect(found.count == 3)
    }

    private func make(
        _ name: String,
        rank: Int,
        requirement: [Set<AuthenticationMethod>] = [[.pwd]],
        absolute: TimeInterval = 3600,
        idle: TimeInterval? = nil
    ) -> AssuranceLevel {
        AssuranceLevel(name: name, rank: rank, requirement: requirement, absoluteLifetime: absolute, idleLifetime: idle)
    }

    private func problems(_ levels: [AssuranceLevel]) -> [String] {
        do {
            _ = try AssurancePolicy(levels: levels)
            return []
        } catch {
            return error.problems
        }
    }
}
