import Foundation
import Synchronization
import Testing

@testable import StepgateStore

// Fixed-window rate-limit counters: counting, rollover, races, independent keys, pruning.
extension StoreContractTests {
    static let rateKey: [UInt8] = Array(repeating: 0xA1, count: 32)

    @Test(arguments: StoreKind.allCases)
    func countRateLimitHit_countsEveryHitOfAWindow(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)

        let counts = try (0..<3).map { _ in
            try fixture.store.countRateLimitHit(
                keyHash: Self.rateKey,
                windowStart: Sample.now,
                windowEnd: Sample.at(60)
            )
        }

        #expect(counts == [1, 2, 3])
    }

    @Test(arguments: StoreKind.allCases)
    func countRateLimitHit_startsAgainInTheNextWindow(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        for _ in 0..<5 {
            _ = try store.countRateLimitHit(keyHash: Self.rateKey, windowStart: Sample.now, windowEnd: Sample.at(60))
        }

        let next = try store.countRateLimitHit(
            keyHash: Self.rateKey,
            windowStart: Sample.at(60),
            windowEnd: Sample.at(120)
        )

        #expect(next == 1)
        #expect(
            try store.countRateLimitHit(keyHash: Self.rateKey, windowStart: Sample.now, windowEnd: Sample.at(60)) == 6
        )
    }

    @Test(arguments: StoreKind.allCases)
    func countRateLimitHit_keepsKeysApart(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let other: [UInt8] = Array(repeating: 0xB2, count: 32)
        _ = try store.countRateLimitHit(keyHash: Self.rateKey, windowStart: Sample.now, windowEnd: Sample.at(60))
        _ = try store.countRateLimitHit(keyHash: Self.rateKey, windowStart: Sample.now, windowEnd: Sample.at(60))

        #expect(try store.countRateLimitHit(keyHash: other, windowStart: Sample.now, windowEnd: Sample.at(60)) == 1)
        #expect(
            try store.countRateLimitHit(keyHash: Self.rateKey, windowStart: Sample.now, windowEnd: Sample.at(60)) == 3
        )
    }

    @Test(arguments: StoreKind.allCases)
    func countRateLimitHit_countsRacingHitsExactly(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        let seen = Mutex<[Int]>([])

        let outcome = race(16) { _ in
            let count = try store.countRateLimitHit(
                keyHash: Self.rateKey,
                windowStart: Sample.now,
                windowEnd: Sample.at(60)
            )
            seen.withLock { $0.append(count) }
            return true
        }

        #expect(outcome.errors == [])
        #expect(seen.withLock { $0.sorted() } == Array(1...16))
        #expect(
            try store.countRateLimitHit(keyHash: Self.rateKey, windowStart: Sample.now, windowEnd: Sample.at(60)) == 17
        )
    }

    @Test(arguments: StoreKind.allCases)
    func pruneRateLimits_dropsOnlyEndedWindows(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store
        _ = try store.countRateLimitHit(keyHash: Self.rateKey, windowStart: Sample.at(-60), windowEnd: Sample.now)
        _ = try store.countRateLimitHit(keyHash: Self.rateKey, windowStart: Sample.now, windowEnd: Sample.at(60))
        _ = try store.countRateLimitHit(keyHash: Self.rateKey, windowStart: Sample.now, windowEnd: Sample.at(60))

        #expect(try store.pruneRateLimits(now: Sample.now) == 1)
        try fixture.expectUnchanged { () throws in
            #expect(try store.pruneRateLimits(now: Sample.at(59)) == 0)
        }
        #expect(
            try store.countRateLimitHit(keyHash: Self.rateKey, windowStart: Sample.at(-60), windowEnd: Sample.now) == 1
        )
        #expect(
            try store.countRateLimitHit(keyHash: Self.rateKey, windowStart: Sample.now, windowEnd: Sample.at(60)) == 3
        )
    }
}
