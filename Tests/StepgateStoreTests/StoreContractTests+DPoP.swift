import Foundation
import Testing

@testable import StepgateStore

// DPoP (RFC 9449): single-use proofs and refresh tokens bound to a key.
extension StoreContractTests {
    static func proofHash(_ seed: UInt8) -> [UInt8] {
        [UInt8](repeating: seed, count: 32)
    }

    @Test(arguments: StoreKind.allCases)
    func consumeDPoPProof_firstUseWins(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)

        #expect(
            try fixture.store.consumeDPoPProof(jtiHash: Self.proofHash(1), expiresAt: Sample.at(60), now: Sample.now)
        )
        #expect(
            try fixture.store.consumeDPoPProof(jtiHash: Self.proofHash(2), expiresAt: Sample.at(60), now: Sample.now)
        )
    }

    @Test(arguments: StoreKind.allCases)
    func consumeDPoPProof_secondUseIsRefusedAndChangesNothing(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        #expect(
            try fixture.store.consumeDPoPProof(jtiHash: Self.proofHash(1), expiresAt: Sample.at(60), now: Sample.now)
        )

        try fixture.expectUnchanged { () throws in
            #expect(
                try !fixture.store.consumeDPoPProof(
                    jtiHash: Self.proofHash(1),
                    expiresAt: Sample.at(90),
                    now: Sample.at(5)
                )
            )
        }
    }

    @Test(arguments: StoreKind.allCases)
    func consumeDPoPProof_expiredRowStillCountsAsUsed(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        #expect(
            try fixture.store.consumeDPoPProof(jtiHash: Self.proofHash(1), expiresAt: Sample.at(60), now: Sample.now)
        )

        #expect(
            try !fixture.store.consumeDPoPProof(
                jtiHash: Self.proofHash(1),
                expiresAt: Sample.at(400),
                now: Sample.at(300)
            )
        )
    }

    @Test(arguments: StoreKind.allCases)
    func consumeDPoPProof_racedUsesHaveExactlyOneWinner(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        let store = fixture.store

        let result = race(8) { _ in
            try store.consumeDPoPProof(jtiHash: Self.proofHash(7), expiresAt: Sample.at(60), now: Sample.now)
        }

        #expect(result.errors == [])
        #expect(result.wins == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func client_roundTripsRequiresDPoP(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        var strict = ClientRecord(
            id: "strict",
            secretHash: nil,
            redirectURIs: ["https://a.example/cb"],
            createdAt: Sample.now
        )
        strict.requiresDPoP = true
        try fixture.store.insertClient(strict)
        try fixture.store.insertClient(
            ClientRecord(id: "lax", secretHash: nil, redirectURIs: [], createdAt: Sample.now)
        )

        #expect(try fixture.store.client(id: "strict")?.requiresDPoP == true)
        #expect(try fixture.store.client(id: "lax")?.requiresDPoP == false)
    }

    @Test(arguments: StoreKind.allCases)
    func refreshToken_roundTripsDPoPThumbprint(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        try Sample.seed(fixture.store)
        var bound = Sample.refreshToken(2)
        bound.dpopThumbprint = "thumbprint-1"
        try fixture.store.insertRefreshToken(bound)
        try fixture.store.insertRefreshToken(Sample.refreshToken(3))

        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(2))?.dpopThumbprint == "thumbprint-1")
        #expect(
            try fixture.store.consumeRefreshToken(hash: Sample.tokenHash(2), now: Sample.now)?.dpopThumbprint
                == "thumbprint-1"
        )
        #expect(try fixture.store.refreshToken(hash: Sample.tokenHash(3))?.dpopThumbprint == nil)
    }
}
