import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import Testing

@testable import StepgateServer

/// The bank's risk stories end to end in process, with a real MaxMind DB file read by
/// libmaxminddb: where the user is changes what a transfer needs.
@Suite struct BankScenarioTests {
    static let london = "81.2.69.10"
    static let linkoping = "89.160.20.5"
    static let tokyo = "2001:218::7"

    static func city(_ country: String, _ latitude: Double, _ longitude: Double) -> MMDBWriter.Value {
        .map([
            ("country", .map([("iso_code", .string(country))])),
            (
                "location",
                .map([
                    ("accuracy_radius", .uint16(20)), ("latitude", .double(latitude)),
                    ("longitude", .double(longitude)),
                ])
            ),
        ])
    }

    /// A bank harness whose geolocation database knows London, Linköping and Tokyo.
    static func harness() throws -> Harness {
        var writer = MMDBWriter()
        writer.insert(IPNetwork("81.2.69.0/24")!, city("GB", 51.5142, -0.0931))
        writer.insert(IPNetwork("89.160.20.0/24")!, city("SE", 58.4167, 15.6167))
        writer.insert(IPNetwork("2001:218::/32")!, city("JP", 35.68536, 139.75309))
        let path = NSTemporaryDirectory() + "stepgate-geo-\(UUID().uuidString).mmdb"
        try Data(writer.build()).write(to: URL(fileURLWithPath: path))
        return try BankPolicy.harness { $0.geoDatabasePath = path }
    }

    /// Alice, signed in with TOTP from London (so the device is known), has moved money once.
    static func aliceAtHome(_ harness: Harness) -> Browser {
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        var transfer = TransactionTests.transfer(html: true)
        transfer.ip = london
        let done = harness.stepUp(&browser, from: browser.decide(transfer))
        #expect(done.status == 303)
        transfer.html = false
        #expect(browser.decide(transfer).status == 200)
        return browser
    }

    static func decide(_ browser: inout Browser, from ip: String, html: Bool = false) -> HTTPResponse {
        var transfer = TransactionTests.transfer(html: html)
        transfer.ip = ip
        return browser.decide(transfer)
    }

    @Test func transferFromHome_needsOnlyTheUsualLevel() throws {
        let harness = try Self.harness()
        var browser = Self.aliceAtHome(harness)
        harness.clock.advance(by: 120)
        let response = Self.decide(&browser, from: Self.london)
        #expect(response.headers["WWW-Authenticate"]?.contains(#"acr_values="aal2""#) == true)
        #expect(Int(response.jsonBody?["reasons"]?.arrayValue?.count ?? -1) == 0)
    }

    @Test func requestFromANewCountry_raisesTheLevel() throws {
        let harness = try Self.harness()
        var browser = Self.aliceAtHome(harness)
        harness.clock.advance(by: 86_400)  // a day later: Linköping is within reach
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2", prompt: "login"))
        let response = Self.decide(&browser, from: Self.linkoping, html: true)
        #expect(response.status == 401)
        #expect(response.headers["WWW-Authenticate"]?.contains(#"acr_values="aal3""#) == true)
        let codes = response.jsonBody?["reasons"]?.arrayValue?.compactMap { $0["code"]?.stringValue }
        #expect(codes == ["network.changed", "geo.new_country"])
        #expect(response.location?.contains("/stepup?ticket=") == true)
    }

    @Test func impossibleTravel_isDenied() throws {
        let harness = try Self.harness()
        var browser = Self.aliceAtHome(harness)
        harness.clock.advance(by: 600)  // ten minutes later, from Tokyo
        let response = Self.decide(&browser, from: Self.tokyo)
        #expect(response.status == 403)
        #expect(response.headers["X-Stepgate-Reason"] == "rule")
        let record = try harness.auditRecords().last { $0.kind == "decision.denied" }
        #expect(record?.fields[AuditKey.riskReasons]?.contains("geo.impossible_travel") == true)
        #expect(record?.fields[AuditKey.riskScore] == "100")
    }

    @Test func challengedAndDeniedRequests_doNotMoveTheLastKnownLocation() throws {
        let harness = try Self.harness()
        var browser = Self.aliceAtHome(harness)
        harness.clock.advance(by: 600)
        #expect(Self.decide(&browser, from: Self.tokyo).status == 403)
        let state = try harness.store.riskState(userID: harness.alice.id)
        #expect(state?.lastCountry == "GB")
        #expect(state?.countries == ["GB"])
    }
}
