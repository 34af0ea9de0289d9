import Foundation
import Testing

@testable import StepgateStore

// Devices, risk state and allowed actions: what the risk engine remembers per user.
extension StoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func rememberDevice_addsThenUpdates_keepingFirstSeen(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertUser(Sample.user())
        let hash = [UInt8](repeating: 7, count: 32)
        #expect(try fixture.store.device(userID: "user-1", deviceIDHash: hash) == nil)

        try fixture.store.rememberDevice(userID: "user-1", deviceIDHash: hash, fingerprint: "fp-1", at: Sample.at(-60))
        try fixture.store.rememberDevice(userID: "user-1", deviceIDHash: hash, fingerprint: "fp-2", at: Sample.now)

        let device = try #require(try fixture.store.device(userID: "user-1", deviceIDHash: hash))
        #expect(device.fingerprint == "fp-2")
        #expect(device.firstSeenAt == Sample.at(-60))
        #expect(device.lastSeenAt == Sample.now)
        #expect(try fixture.store.device(userID: "user-2", deviceIDHash: hash) == nil)
    }

    @Test(arguments: StoreKind.allCases)
    func rememberDevice_forUnknownUser_isConflict_andChangesNothing(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.rememberDevice(userID: "nobody", deviceIDHash: [1], fingerprint: "f", at: Sample.now)
            }
            #expect(error?.code == .conflict)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func saveRiskState_roundTripsAndReplaces(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertUser(Sample.user())
        #expect(try fixture.store.riskState(userID: "user-1") == nil)
        let first = RiskStateRecord(
            userID: "user-1",
            lastIP: "81.2.69.142",
            lastCountry: "GB",
            lastLatitude: 51.5142,
            lastLongitude: -0.0931,
            lastAccuracyKm: 10,
            lastSeenAt: Sample.at(-3_600),
            countries: ["GB"]
        )
        try fixture.store.saveRiskState(first)
        #expect(try fixture.store.riskState(userID: "user-1") == first)

        let second = RiskStateRecord(
            userID: "user-1",
            lastIP: "2001:db8::1",
            lastCountry: nil,
            lastLatitude: nil,
            lastLongitude: nil,
            lastAccuracyKm: nil,
            lastSeenAt: Sample.now,
            countries: ["GB", "SE"]
        )
        try fixture.store.saveRiskState(second)
        #expect(try fixture.store.riskState(userID: "user-1") == second)
    }

    @Test(arguments: StoreKind.allCases)
    func actions_newestFirst_filteredByActionAndTime_andLimited(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.store.insertUser(Sample.user())
        try fixture.store.recordAction(
            ActionRecord(userID: "user-1", action: "transfer", amount: "10.50", at: Sample.at(-7_200))
        )
        try fixture.store.recordAction(
            ActionRecord(userID: "user-1", action: "transfer", amount: "99", at: Sample.at(-60))
        )
        try fixture.store.recordAction(ActionRecord(userID: "user-1", action: "payee", amount: nil, at: Sample.at(-30)))

        let all = try fixture.store.actions(userID: "user-1", action: nil, since: Sample.at(-86_400), limit: 10)
        #expect(all.map(\.action) == ["payee", "transfer", "transfer"])
        let transfers = try fixture.store.actions(
            userID: "user-1",
            action: "transfer",
            since: Sample.at(-86_400),
            limit: 10
        )
        #expect(transfers.map(\.amount) == ["99", "10.50"])
        #expect(
            try fixture.store.actions(userID: "user-1", action: nil, since: Sample.at(-3_600), limit: 10).count == 2
        )
        #expect(
            try fixture.store.actions(userID: "user-1", action: nil, since: Sample.at(-86_400), limit: 1).count == 1
        )
        #expect(try fixture.store.actions(userID: "user-2", action: nil, since: Sample.at(-86_400), limit: 10).isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func recordAction_forUnknownUser_isConflict_andChangesNothing(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try fixture.expectUnchanged { () throws in
            let error = #expect(throws: StoreError.self) {
                try fixture.store.recordAction(ActionRecord(userID: "nobody", action: "a", amount: nil, at: Sample.now))
            }
            #expect(error?.code == .conflict)
        }
    }
}
