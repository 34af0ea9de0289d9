import Foundation
import StepgateCore
import StepgateStore
import Testing

@testable import StepgateServer

/// The pruner: rows that expired more than a day ago go, live ones stay, failures go once no
/// window counts them; a failing store is logged and changes nothing.
@Suite struct PrunerTests {
    static let tables = ["sessions", "session_events", "flows", "authorization_codes", "refresh_tokens"]

    static func rowCounts(_ harness: Harness) throws -> [String: Int] {
        let lines = String(decoding: try harness.snapshot(), as: UTF8.self).split(separator: "\n")
        var counts: [String: Int] = [:]
        for table in tables + ["account_failures"] {
            counts[table] = lines.filter { $0.hasPrefix(table + ": ") }.count
        }
        return counts
    }

    /// A complete sign-in and code redemption: a session with its events, a flow, a code and
    /// tokens.
    static func signInAndRedeem(_ harness: Harness) throws {
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal2")
        let location = try #require(harness.signIn(&browser, request))
        #expect(harness.redeem(location, request).status == 200)
    }

    @Test func prune_deletesWhatExpiredMoreThanADayAgo_andKeepsWhatLives() throws {
        let harness = try Harness { configuration in
            configuration.sessionLifetime = 3_600
            configuration.refreshTokenLifetime = 7_200
        }
        try harness.store.recordFailure(userID: harness.alice.id, at: harness.clock.now)
        try Self.signInAndRedeem(harness)
        let one = try Self.rowCounts(harness)
        for table in Self.tables { #expect(one[table, default: 0] > 0, "a sign-in leaves \(table) rows") }
        #expect(one["account_failures"] == 1)

        let before = try harness.snapshot()
        #expect(harness.provider.pruner.prune() == 0, "nothing expired a day ago yet")
        #expect(try harness.snapshot() == before)

        harness.clock.advance(by: 7_200 + Pruner.grace + 1)
        try Self.signInAndRedeem(harness)
        let deleted = harness.provider.pruner.prune()

        let after = try Self.rowCounts(harness)
        for table in Self.tables { #expect(after[table] == one[table], "only the second sign-in's \(table) rows stay") }
        #expect(after["account_failures"] == 0, "older than every window that counts failures")
        #expect(deleted > 0)
        #expect(harness.provider.metrics.value("stepgate_pruned_rows_total") == deleted)
        let logged = harness.logs.entries.first { $0.message == "expired rows pruned" }
        #expect(logged?.metadata[LogKey.count] == "\(deleted)")
        harness.assertLogsHold(none: [Harness.password])
    }

    /// Devices go once their cookie has expired, actions once neither the velocity window nor
    /// the amount history reads them, ended messages after a week; each a day late at most.
    @Test func prune_deletesHistoryPastItsHorizons() throws {
        let harness = try Harness { configuration in
            configuration.deviceCookieLifetime = 3_600
            configuration.risk.velocityWindow = 600
            configuration.risk.amountHistory = 7_200
        }
        let store = harness.store
        let alice = harness.alice.id
        let start = harness.clock.now
        try store.rememberDevice(userID: alice, deviceIDHash: [1], fingerprint: "f", at: start)
        try store.recordAction(ActionRecord(userID: alice, action: "transfer", amount: "10", at: start))
        try store.insertOutboxMessage(
            OutboxRecord(
                id: "m",
                channel: "email",
                purpose: "otp",
                sealedPayload: [1],
                nextAttemptAt: start,
                createdAt: start
            )
        )
        _ = try store.claimOutboxMessages(limit: 1, now: start, leaseToken: "t", leaseUntil: start + 60)
        #expect(try store.markOutboxSent(id: "m", leaseToken: "t", at: start))
        func actions() throws -> Int {
            try store.actions(userID: alice, action: nil, since: .distantPast, limit: 10).count
        }

        harness.clock.advance(by: 3_600 + Pruner.grace)
        harness.provider.pruner.prune()
        #expect(try store.device(userID: alice, deviceIDHash: [1]) != nil, "its cookie may live one more second")

        harness.clock.advance(by: 1)
        harness.provider.pruner.prune()
        #expect(try store.device(userID: alice, deviceIDHash: [1]) == nil)
        #expect(try actions() == 1)

        harness.clock.advance(by: 3_600)
        harness.provider.pruner.prune()
        #expect(try actions() == 0)
        #expect(try store.outboxMessage(id: "m") != nil)

        harness.clock.advance(by: Pruner.messageRetention)
        harness.provider.pruner.prune()
        #expect(try store.outboxMessage(id: "m") == nil)
        #expect(harness.provider.metrics.value("stepgate_pruned_rows_total") >= 3)
    }

    @Test func prune_withTheStoreDown_logsTheErrorCodeAndCountsIt() throws {
        let harness = try Harness()
        harness.clock.advance(by: 40 * 86_400)
        harness.store.close()

        #expect(harness.provider.pruner.prune() == 0)

        #expect(harness.provider.metrics.value("stepgate_prune_failures_total") == 1)
        let warning = harness.logs.entries.first { $0.message == "pruning expired rows failed" }
        #expect(warning?.metadata[LogKey.error] == "unavailable")
    }
}
