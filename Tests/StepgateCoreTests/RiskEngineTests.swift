import Foundation
import Testing

@testable import StepgateCore

/// A request in which no signal fires; each test changes one thing.
enum RiskSample {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let london = GeoPoint(latitude: 51.5142, longitude: -0.0931)!
    static let paris = GeoPoint(latitude: 48.8566, longitude: 2.3522)!
    static let linkoping = GeoPoint(latitude: 58.4167, longitude: 15.6167)!

    static func input() -> RiskInput {
        RiskInput(
            clientAddress: IPAddress("203.0.113.50")!,
            geo: GeoLocation(countryCode: "GB", point: london, accuracyRadiusKm: 10),
            device: .init(cookie: .known, fingerprintMatches: true),
            history: .init(
                lastAddress: IPAddress("203.0.113.7")!,
                lastLocation: .init(point: paris, time: now.addingTimeInterval(-6 * 3600)),
                knownCountries: ["GB", "FR"],
                recentFailures: 2,
                recentHighRiskActions: 4,
                amounts: .init(count: 3, maximum: 200, median: 100)
            ),
            session: .init(age: 3600, idle: 60),
            amount: 150,
            currency: "EUR",
            now: now
        )
    }

    static func evaluate(
        _ configuration: RiskConfiguration = RiskConfiguration(),
        _ change: (inout RiskInput) -> Void = { _ in }
    ) throws -> RiskAssessment {
        var input = input()
        change(&input)
        return try RiskEngine(configuration: configuration).evaluate(input)
    }

    static func outcome(
        _ code: RiskReason.Code,
        _ configuration: RiskConfiguration = RiskConfiguration(),
        _ change: (inout RiskInput) -> Void = { _ in }
    ) throws -> RiskSignal.Outcome {
        let assessment = try evaluate(configuration, change)
        let signal = try #require(assessment.signals.first { $0.code == code })
        // A fired signal is exactly a reason, with the same points.
        let reason = assessment.reasons.first { $0.code == code }
        #expect((signal.outcome == .fired) == (reason != nil))
        #expect(reason.map(\.points) == (signal.outcome == .fired ? signal.points : nil))
        return signal.outcome
    }
}

@Suite struct RiskEngineTests {
    typealias S = RiskSample

    @Test func evaluate_quietInputScoresZeroAndListsEverySignalInOrder() throws {
        let assessment = try S.evaluate()
        #expect(assessment.score == 0)
        #expect(assessment.reasons.isEmpty)
        #expect(!assessment.denied)
        #expect(assessment.signals.map(\.code) == RiskReason.Code.allCases)
        #expect(assessment.signals.allSatisfy { $0.outcome == .quiet && $0.points == 0 })
    }

    @Test func codes_areTheStableNames() {
        #expect(
            RiskReason.Code.allCases.map(\.rawValue) == [
                "device.new", "device.fingerprint_changed", "device.remembered", "network.changed", "network.allowed",
                "network.denied",
                "geo.new_country", "geo.impossible_travel", "session.old", "session.idle", "auth.recent_failures",
                "velocity.high", "amount.unusual", "amount.first",
            ]
        )
    }

    // MARK: device

    @Test func deviceNew_firesForUnknownOrAbsentCookieOnly() throws {
        #expect(try S.outcome(.deviceNew) { $0.device.cookie = .known } == .quiet)
        #expect(try S.outcome(.deviceNew) { $0.device.cookie = .unknown } == .fired)
        #expect(try S.outcome(.deviceNew) { $0.device.cookie = .absent } == .fired)
        #expect(try S.evaluate { $0.device.cookie = .absent }.score == RiskPoints().deviceNew)
    }

    @Test func deviceRemembered_lowersTheScoreForARememberedKnownDevice() throws {
        #expect(try S.outcome(.deviceRemembered) { $0.device.remembered = true } == .fired)
        #expect(try S.outcome(.deviceRemembered) { $0.device.remembered = false } == .quiet)
        let remembered = try S.evaluate {
            $0.device.remembered = true
            $0.history.knownCountries = ["FR"]
        }
        #expect(remembered.score == RiskPoints().geoNewCountry + RiskPoints().deviceRemembered)
        #expect(remembered.reasons.first { $0.code == .deviceRemembered }?.points == -15)
    }

    @Test func deviceRemembered_notForChangedTraitsOrAnotherCookie() throws {
        #expect(
            try S.outcome(.deviceRemembered) {
                $0.device.remembered = true
                $0.device.fingerprintMatches = false
            } == .quiet
        )
        #expect(
            try S.outcome(.deviceRemembered) {
                $0.device.remembered = true
                $0.device.cookie = .unknown
            } == .quiet
        )
    }

    @Test func deviceFingerprintChanged_firesOnlyForKnownDeviceWithOtherTraits() throws {
        #expect(try S.outcome(.deviceFingerprintChanged) { $0.device.fingerprintMatches = false } == .fired)
        #expect(try S.outcome(.deviceFingerprintChanged) { $0.device.fingerprintMatches = true } == .quiet)
        #expect(try S.outcome(.deviceFingerprintChanged) { $0.device.fingerprintMatches = nil } == .absent)
        let unknown = try S.outcome(.deviceFingerprintChanged) {
            $0.device = .init(cookie: .unknown, fingerprintMatches: false)
        }
        #expect(unknown == .absent)
    }

    // MARK: network

    @Test func networkChanged_firesOutsideTheLastIPv4Prefix() throws {
        #expect(try S.outcome(.networkChanged) { $0.clientAddress = IPAddress("203.0.113.255")! } == .quiet)
        #expect(try S.outcome(.networkChanged) { $0.clientAddress = IPAddress("203.0.114.0")! } == .fired)
        #expect(try S.outcome(.networkChanged) { $0.clientAddress = IPAddress("::ffff:203.0.113.9")! } == .quiet)
        #expect(try S.outcome(.networkChanged) { $0.clientAddress = IPAddress("2001:db8::1")! } == .fired)
        #expect(try S.outcome(.networkChanged) { $0.history.lastAddress = nil } == .absent)
        let sentence = try S.evaluate { $0.clientAddress = IPAddress("198.51.100.4")! }.reasons.first?.sentence
        #expect(sentence?.contains("198.51.100.4") == true)
        #expect(sentence?.contains("203.0.113.0/24") == true)
    }

    @Test func networkChanged_usesTheIPv6PrefixAndTheConfiguredLength() throws {
        let fromV6: (String) -> (inout RiskInput) -> Void = { client in
            {
                $0.history.lastAddress = IPAddress("2001:db8:1::1")!; $0.clientAddress = IPAddress(client)!
            }
        }
        #expect(try S.outcome(.networkChanged, RiskConfiguration(), fromV6("2001:db8:1:ffff::9")) == .quiet)
        #expect(try S.outcome(.networkChanged, RiskConfiguration(), fromV6("2001:db8:2::1")) == .fired)
        var wide = RiskConfiguration()
        wide.networkPrefixV4 = 16
        #expect(try S.outcome(.networkChanged, wide) { $0.clientAddress = IPAddress("203.0.200.1")! } == .quiet)
        #expect(try S.outcome(.networkChanged, wide) { $0.clientAddress = IPAddress("203.1.0.0")! } == .fired)
    }

    @Test func networkAllowed_subtractsPointsInsideAnAllowedNetwork() throws {
        var configuration = RiskConfiguration()
        configuration.allowedNetworks = [IPNetwork("198.51.100.0/24")!]
        let inside: (inout RiskInput) -> Void = { $0.clientAddress = IPAddress("198.51.100.255")! }
        #expect(try S.outcome(.networkAllowed, configuration, inside) == .fired)
        #expect(
            try S.outcome(.networkAllowed, configuration) { $0.clientAddress = IPAddress("198.51.101.0")! } == .quiet
        )
        let assessment = try S.evaluate(configuration) {
            inside(&$0)
            $0.device.cookie = .absent
        }
        // device.new 25, network.changed 10, network.allowed -20.
        #expect(assessment.score == 15)
        #expect(assessment.reasons.first { $0.code == .networkAllowed }?.points == -20)
    }

    @Test func networkDenied_deniesInsideADeniedNetwork() throws {
        var configuration = RiskConfiguration()
        configuration.deniedNetworks = [IPNetwork("192.0.2.0/24")!, IPNetwork("2001:db8:bad::/48")!]
        let inside = try S.evaluate(configuration) { $0.clientAddress = IPAddress("192.0.2.0")! }
        #expect(inside.denied)
        #expect(inside.reasonCodes.contains(.networkDenied))
        #expect(inside.score == 100)
        let outside = try S.evaluate(configuration) { $0.clientAddress = IPAddress("192.0.1.255")! }
        #expect(!outside.denied)
        #expect(try S.outcome(.networkDenied, configuration) { $0.clientAddress = IPAddress("192.0.1.255")! } == .quiet)
        let v6 = try S.evaluate(configuration) { $0.clientAddress = IPAddress("2001:db8:bad:ffff::1")! }
        #expect(v6.denied)
    }

    // MARK: geo

    @Test func geoNewCountry_firesForACountryNotSeenBefore() throws {
        #expect(try S.outcome(.geoNewCountry) { $0.geo?.countryCode = "SE" } == .fired)
        #expect(try S.outcome(.geoNewCountry) { $0.geo?.countryCode = "FR" } == .quiet)
        #expect(try S.outcome(.geoNewCountry) { $0.history.knownCountries = [] } == .absent)
        let sentence = try S.evaluate { $0.geo?.countryCode = "SE" }.reasons.first?.sentence
        #expect(sentence?.contains("(SE)") == true)
    }

    @Test func geoSignals_areAbsentWithoutGeolocation() throws {
        let assessment = try S.evaluate { $0.geo = nil }
        let geo = assessment.signals.filter { $0.code == .geoNewCountry || $0.code == .geoImpossibleTravel }
        #expect(geo.count == 2)
        #expect(geo.allSatisfy { $0.outcome == .absent })
    }

    /// London to Linköping is 1257.7 km: 900 km/h covers it in 5030.9 s.
    static func travel(seconds: TimeInterval, radius: Double? = nil) -> (inout RiskInput) -> Void {
        {
            $0.geo = GeoLocation(countryCode: "SE", point: S.linkoping, accuracyRadiusKm: radius)
            $0.history.lastLocation = .init(point: S.london, time: S.now.addingTimeInterval(-seconds))
        }
    }

    @Test func geoImpossibleTravel_firesAboveTheSpeedLimit() throws {
        #expect(try S.outcome(.geoImpossibleTravel, RiskConfiguration(), Self.travel(seconds: 5031)) == .quiet)
        #expect(try S.outcome(.geoImpossibleTravel, RiskConfiguration(), Self.travel(seconds: 5030)) == .fired)
        // A clock that went backwards, or the same instant, is infinitely fast.
        #expect(try S.outcome(.geoImpossibleTravel, RiskConfiguration(), Self.travel(seconds: -10)) == .fired)
        let sentence = try S.evaluate(RiskConfiguration(), Self.travel(seconds: 3600)).reasons
            .first { $0.code == .geoImpossibleTravel }?.sentence
        #expect(
            sentence
                == "Reaching SE from the last known location means at least 1257 km in 60 minutes, faster than 900 km/h."
        )
    }

    @Test func geoImpossibleTravel_ignoresDistancesBelowTheMinimum() throws {
        var configuration = RiskConfiguration()
        configuration.impossibleTravelMinimumDistanceKm = 1257
        #expect(try S.outcome(.geoImpossibleTravel, configuration, Self.travel(seconds: 60)) == .fired)
        configuration.impossibleTravelMinimumDistanceKm = 1258
        #expect(try S.outcome(.geoImpossibleTravel, configuration, Self.travel(seconds: 60)) == .quiet)
    }

    @Test func geoImpossibleTravel_subtractsAccuracyRadii() throws {
        // 1257.7 km less 757 km is just over the 500 km minimum; less 758 km it is just under.
        #expect(
            try S.outcome(.geoImpossibleTravel, RiskConfiguration(), Self.travel(seconds: 60, radius: 757)) == .fired
        )
        #expect(
            try S.outcome(.geoImpossibleTravel, RiskConfiguration(), Self.travel(seconds: 60, radius: 758)) == .quiet
        )
        let both: (inout RiskInput) -> Void = {
            Self.travel(seconds: 60, radius: 400)(&$0)
            $0.history.lastLocation?.accuracyRadiusKm = 358
        }
        #expect(try S.outcome(.geoImpossibleTravel, RiskConfiguration(), both) == .quiet)
    }

    @Test func geoImpossibleTravel_isAbsentWithoutTwoPoints() throws {
        #expect(try S.outcome(.geoImpossibleTravel) { $0.geo?.point = nil } == .absent)
        #expect(try S.outcome(.geoImpossibleTravel) { $0.history.lastLocation = nil } == .absent)
    }

    // MARK: session

    @Test func sessionOld_firesPastTheMaximumAge() throws {
        #expect(try S.outcome(.sessionOld) { $0.session?.age = 43_200 } == .quiet)
        #expect(try S.outcome(.sessionOld) { $0.session?.age = 43_201 } == .fired)
        #expect(try S.outcome(.sessionOld) { $0.session = nil } == .absent)
    }

    @Test func sessionIdle_firesPastTheMaximumIdleTime() throws {
        #expect(try S.outcome(.sessionIdle) { $0.session?.idle = 1_800 } == .quiet)
        #expect(try S.outcome(.sessionIdle) { $0.session?.idle = 1_801 } == .fired)
        #expect(try S.outcome(.sessionIdle) { $0.session = nil } == .absent)
        let sentence = try S.evaluate { $0.session?.idle = 5_400 }.reasons.first?.sentence
        #expect(sentence == "The session was idle for 90 minutes, longer than 30 minutes.")
    }

    // MARK: history

    @Test func authRecentFailures_firesAtTheThreshold() throws {
        #expect(try S.outcome(.authRecentFailures) { $0.history.recentFailures = 2 } == .quiet)
        #expect(try S.outcome(.authRecentFailures) { $0.history.recentFailures = 3 } == .fired)
    }

    @Test func velocityHigh_firesOnceTheLimitIsReached() throws {
        #expect(try S.outcome(.velocityHigh) { $0.history.recentHighRiskActions = 4 } == .quiet)
        #expect(try S.outcome(.velocityHigh) { $0.history.recentHighRiskActions = 5 } == .fired)
    }

    // MARK: amount

    @Test func amountUnusual_firesAboveTheMaximumFactor() throws {
        #expect(try S.outcome(.amountUnusual) { $0.amount = 300 } == .quiet)
        #expect(try S.outcome(.amountUnusual) { $0.amount = Decimal(string: "300.01")! } == .fired)
        let sentence = try S.evaluate { $0.amount = 1_000 }.reasons.first?.sentence
        #expect(sentence == "The amount 1000 EUR is more than 1.5 times the largest earlier amount (200).")
    }

    @Test func amountUnusual_firesAboveTheMedianFactor() throws {
        let history: (Decimal) -> (inout RiskInput) -> Void = { amount in
            {
                $0.history.amounts = .init(count: 9, maximum: 1_000, median: 100); $0.amount = amount
            }
        }
        #expect(try S.outcome(.amountUnusual, RiskConfiguration(), history(500)) == .quiet)
        #expect(try S.outcome(.amountUnusual, RiskConfiguration(), history(Decimal(string: "500.01")!)) == .fired)
    }

    @Test func amountFirst_firesWithoutEarlierAmounts() throws {
        #expect(try S.outcome(.amountFirst) { $0.history.amounts = .none } == .fired)
        #expect(try S.outcome(.amountUnusual) { $0.history.amounts = .none } == .absent)
        #expect(try S.outcome(.amountFirst) { $0.history.amounts = AmountHistoryFixture.one } == .quiet)
    }

    @Test func amountSignals_areAbsentWithoutAnAmount() throws {
        #expect(try S.outcome(.amountFirst) { $0.amount = nil } == .absent)
        #expect(try S.outcome(.amountUnusual) { $0.amount = nil } == .absent)
    }

    @Test func amountHistory_summarisesAmounts() {
        let odd = RiskInput.AmountHistory(amounts: [30, 10, 20])
        #expect(odd.count == 3 && odd.maximum == 30 && odd.median == 20)
        let even = RiskInput.AmountHistory(amounts: [40, 10, 20, 30])
        #expect(even.count == 4 && even.maximum == 40 && even.median == 25)
        #expect(RiskInput.AmountHistory(amounts: []).count == 0)
    }

    // MARK: the whole

    @Test func evaluate_clampsScoreTo0Through100() throws {
        var configuration = RiskConfiguration()
        configuration.allowedNetworks = [IPNetwork("203.0.113.0/24")!]
        configuration.points.networkAllowed = -100
        #expect(try S.evaluate(configuration).score == 0)
        let everything = try S.evaluate(configuration) { Self.everythingFires(&$0) }
        #expect(everything.score == 100)
        #expect(everything.reasons.map(\.points).reduce(0, +) > 100)
    }

    static func everythingFires(_ input: inout RiskInput) {
        var i = input
        defer { input = i }
        i.device = .init(cookie: .unknown)
        i.clientAddress = IPAddress("198.51.100.1")!
        i.geo = GeoLocation(countryCode: "SE", point: S.linkoping)
        i.history.lastLocation = .init(point: S.london, time: S.now)
        i.session = .init(age: 100_000, idle: 100_000)
        i.history.recentFailures = 10
        i.history.recentHighRiskActions = 10
        i.amount = 100_000
    }

    @Test func evaluate_isDeterministicAndOrdered() throws {
        let engine = RiskEngine()
        var input = S.input()
        Self.everythingFires(&input)
        let first = engine.evaluate(input)
        for _ in 0..<100 { #expect(engine.evaluate(input) == first) }
        let expected: [RiskReason.Code] = [
            .deviceNew, .networkChanged, .geoNewCountry, .geoImpossibleTravel, .sessionOld, .sessionIdle,
            .authRecentFailures, .velocityHigh, .amountUnusual,
        ]
        #expect(first.reasonCodes == expected)
        #expect(first.signals.map(\.code) == RiskReason.Code.allCases)
    }

    @Test func sentences_arePlainAndNamePeriodsInWords() throws {
        let assessment = try S.evaluate(RiskConfiguration()) { Self.everythingFires(&$0) }
        for reason in assessment.reasons {
            #expect(reason.sentence.hasSuffix("."), "\(reason.code)")
            #expect(reason.sentence.first?.isUppercase == true, "\(reason.code)")
        }
        #expect(RiskEngine.spoken(90) == "90 seconds")
        #expect(RiskEngine.spoken(3_600) == "60 minutes")
        #expect(RiskEngine.spoken(43_201) == "12 hours")
        #expect(RiskEngine.spoken(200_000) == "2 days")
    }
}

enum AmountHistoryFixture {
    static let one = RiskInput.AmountHistory(amounts: [50])
}
