import Foundation
import Testing

@testable import StepgateCore

@Suite struct PolicyExplanationTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func scenario(_ words: String...) throws -> PolicyScenario {
        try PolicyScenario(words: words, now: Self.now)
    }

    private func explain(
        _ scenario: PolicyScenario,
        engine: RiskEngine = RiskEngine()
    ) throws -> PolicyExplanation {
        PolicyExplanation(policy: try PolicyFixture.load(PolicyFixture.bank), engine: engine, scenario: scenario)
    }

    private func problems(_ words: String...) -> [String] {
        Self.problems(words)
    }

    private static func problems(_ words: [String]) -> [String] {
        do {
            _ = try PolicyScenario(words: words, now: Self.now)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func defaultAddress_parses() {
        #expect(PolicyScenario.defaultAddress.description == "192.0.2.1")
    }

    @Test func scenario_readsEveryKey() throws {
        let read = try scenario(
            "method=POST",
            "path=/api/transfers?x=1",
            "host=bank.example",
            #"body={"amount": 5}"#,
            "acr=aal2",
            "auth_age=2m",
            "amr=pwd otp",
            "ip=203.0.113.9",
            "country=br",
            "location=-23.5,-46.6",
            "accuracy_km=20",
            "device=known",
            "fingerprint=changed",
            "last_ip=198.51.100.7",
            "last_location=52.5,13.4",
            "last_seen=2h",
            "countries=DE fr",
            "failures=3",
            "recent_actions=4",
            "amounts=10 20.50",
            "session_age=3h",
            "session_idle=1m"
        )
        #expect(read.request.method == "POST")
        #expect(read.request.path == "/api/transfers")
        #expect(read.request.query == "x=1")
        #expect(read.request.host == "bank.example")
        #expect(read.request.body == Array(#"{"amount": 5}"#.utf8))
        #expect(read.proof == AuthenticationProof(acr: "aal2", authTime: Self.now - 120, amr: ["pwd", "otp"]))
        #expect(read.risk.clientAddress.description == "203.0.113.9")
        #expect(read.risk.geo?.countryCode == "BR")
        #expect(read.risk.geo?.point?.latitude == -23.5)
        #expect(read.risk.geo?.accuracyRadiusKm == 20)
        #expect(read.risk.device.cookie == .known)
        #expect(read.risk.device.fingerprintMatches == false)
        #expect(read.risk.history.lastAddress?.description == "198.51.100.7")
        #expect(read.risk.history.lastLocation?.time == Self.now - 7200)
        #expect(read.risk.history.knownCountries == ["DE", "FR"])
        #expect(read.risk.history.recentFailures == 3)
        #expect(read.risk.history.recentHighRiskActions == 4)
        #expect(read.risk.history.amounts.count == 2)
        #expect(read.risk.history.amounts.maximum == Decimal(string: "20.50"))
        #expect(read.risk.session?.age == 10_800)
        #expect(read.risk.session?.idle == 60)
        #expect(read.risk.now == Self.now)
        #expect(!read.needsGeolocation)
    }

    @Test func scenario_defaults() throws {
        let read = try scenario("path=/api/balance")
        #expect(read.request.method == "GET")
        #expect(read.proof == nil)
        #expect(read.risk.clientAddress == PolicyScenario.defaultAddress)
        #expect(read.risk.geo == nil)
        #expect(read.needsGeolocation)
        #expect(read.risk.device.cookie == .known)
        #expect(read.risk.device.fingerprintMatches == true)
        #expect(read.risk.session == nil)
        #expect(read.risk.history.lastLocation == nil)
    }

    @Test(arguments: [
        (["path=/x", "nonsense"], "word 2: expected KEY=VALUE"),
        (["path=/x", "colour=blue"], "word 2: unknown key"),
        (["path=/x", "path=/y"], "path: given twice"),
        (["method=GET"], "path: expected a path starting with '/'"),
        (["path=x"], "path: expected a path starting with '/'"),
        (["path=/x", "auth_age=2m"], "auth_age: needs acr as well"),
        (["path=/x", "acr=aal1", "auth_age=soon"], "auth_age:"),
        (["path=/x", "ip=300.1.1.1"], "ip: expected an IPv4 or IPv6 address"),
        (["path=/x", "country=Germany"], "country: expected a two-letter"),
        (["path=/x", "location=1,2"], "location: needs country as well"),
        (["path=/x", "country=DE", "location=95,2"], "location: expected LATITUDE,LONGITUDE"),
        (["path=/x", "country=DE", "accuracy_km=-1"], "accuracy_km: expected a number"),
        (["path=/x", "device=stolen"], "device: expected known, remembered, unknown or absent"),
        (["path=/x", "fingerprint=odd"], "fingerprint: expected same or changed"),
        (["path=/x", "last_seen=1h"], "last_seen: needs last_location as well"),
        (["path=/x", "countries=DE Germany"], "countries: expected two-letter"),
        (["path=/x", "failures=-1"], "failures: expected a whole number"),
        (["path=/x", "recent_actions=many"], "recent_actions: expected a whole number"),
        (["path=/x", "amounts=10 lots"], "amounts: expected plain numbers"),
        (["path=/x", "session_age=1h"], "session_age: session_age and session_idle go together"),
    ])
    func scenario_reportsProblem(words: [String], expected: String) {
        let found = Self.problems(words)
        #expect(found.contains { $0.hasPrefix(expected) }, "\(found)")
    }

    @Test func scenario_doesNotEchoAWordWithoutEquals() {
        let found = problems("path=/x", "s3cr3t-token-value")
        #expect(found == ["word 2: expected KEY=VALUE"])
    }

    @Test func scenario_reportsEveryProblem() {
        #expect(problems("device=stolen", "failures=x", "path=/x").count == 2)
    }

    @Test func explain_noAction() throws {
        let explanation = try explain(try scenario("path=/unknown"))
        #expect(explanation.outcome == .noAction)
        #expect(explanation.action == nil)
        #expect(explanation.assessment == nil)
    }

    @Test func explain_refusedPathDenies() throws {
        let explanation = try explain(try scenario("path=/api/../balance"))
        #expect(explanation.outcome == .deny(reason: "unsafe_path"))
        #expect(explanation.action == nil)
    }

    @Test func explain_allowsAFreshEnoughProof() throws {
        let explanation = try explain(try scenario("method=POST", "path=/api/payees", "acr=aal2", "auth_age=1m"))
        #expect(explanation.action?.name == "add_payee")
        #expect(explanation.outcome == .allow)
        #expect(!explanation.needsGrant)
        #expect(explanation.assessment?.signals.count == RiskReason.Code.allCases.count)
    }

    @Test func explain_stepsUpAStaleProof() throws {
        let explanation = try explain(try scenario("method=POST", "path=/api/payees", "acr=aal2", "auth_age=10m"))
        #expect(explanation.outcome == .stepUp(acr: "aal2", maxAge: 300))
    }

    @Test func explain_boundAllowNeedsAGrant() throws {
        let body = #"body={"amount": 10, "currency": "EUR", "payee": "A"}"#
        let explanation = try explain(
            try scenario("method=POST", "path=/api/transfers", body, "acr=aal2", "amounts=10 20")
        )
        #expect(explanation.amount == "10")
        #expect(explanation.outcome == .allow)
        #expect(explanation.needsGrant)
        #expect(explanation.requirement?.transaction != nil)
    }

    @Test func explain_amountRaisesTheLevelThroughTheRules() throws {
        let body = #"body={"amount": 5000, "currency": "EUR", "payee": "A"}"#
        let explanation = try explain(try scenario("method=POST", "path=/api/transfers", body, "acr=aal2"))
        #expect(explanation.outcome == .stepUp(acr: "aal3", maxAge: nil))
        #expect(explanation.requirement?.firedRules.map(\.text) == ["amount > 1000 -> level aal3"])
    }

    @Test func explain_riskAboveTheDenyRuleDenies() throws {
        let body = #"body={"amount": 10, "currency": "EUR", "payee": "A"}"#
        let explanation = try explain(
            try scenario(
                "method=POST",
                "path=/api/transfers",
                body,
                "acr=aal3",
                "device=absent",
                "country=BR",
                "location=-23.5,-46.6",
                "last_location=52.5,13.4",
                "last_seen=1h",
                "countries=DE"
            )
        )
        #expect((explanation.assessment?.score ?? 0) >= 70)
        #expect(explanation.assessment?.reasonCodes.contains(.geoImpossibleTravel) == true)
        #expect(explanation.outcome == .deny(reason: "rule"))
    }

    @Test func explain_denyListedNetworkDenies() throws {
        var configuration = RiskConfiguration()
        configuration.deniedNetworks = [try #require(IPNetwork("203.0.113.0/24"))]
        let explanation = try explain(
            try scenario("path=/api/balance", "acr=aal3", "ip=203.0.113.9"),
            engine: try RiskEngine(configuration: configuration)
        )
        #expect(explanation.outcome == .deny(reason: "network_denied"))
    }

    @Test func explain_unbindableTransferDenies() throws {
        let explanation = try explain(try scenario("method=POST", "path=/api/transfers", "body={}", "acr=aal2"))
        #expect(explanation.outcome == .deny(reason: "unbindable"))
    }

    @Test func explain_locatedScenarioUsesTheLocation() throws {
        let located = try scenario("path=/api/balance", "countries=DE").located(GeoLocation(countryCode: "FR"))
        let explanation = try explain(located)
        #expect(explanation.assessment?.reasonCodes.contains(.geoNewCountry) == true)
    }
}
