import Foundation
import Testing

@testable import StepgateCore

/// The chain's encoding against vectors computed by the Python script in docs/audit.md, and
/// one test per way a chain can break.
@Suite struct AuditChainTests {
    static let first = AuditRecord(
        sequence: 1,
        timeMilliseconds: 1_800_000_000_123,
        kind: "flow.started",
        fields: ["oidc.client_id": "app", "oidc.acr_requested": "aal2", "flow.id": "f-1"],
        previousHash: AuditChain.genesis,
        hash: "724c21053a5bd8707c3876229569dfbe6b842c34b2e78b4c7cd7bed1e6440fc8"
    )
    static let second = AuditRecord(
        sequence: 2,
        timeMilliseconds: 1_800_000_001_000,
        kind: "stepup.failed",
        fields: ["reason": "wrong_password", "ü": "é"],
        previousHash: first.hash,
        hash: "80bd5e823ce652fba1b9561b93cbbdf3264f48351074a4e566e4996951118c08"
    )

    @Test func encode_matchesDocumentedNetstrings() {
        let text = String(decoding: AuditChain.encode(Self.first), as: UTF8.self)
        #expect(
            text
                == "17:stepgate-audit-v1,1:1,13:1800000000123,12:flow.started,1:3,7:flow.id,3:f-1,"
                + "18:oidc.acr_requested,4:aal2,14:oidc.client_id,3:app,64:" + AuditChain.genesis + ","
        )
    }

    @Test func hash_matchesPublishedVectors() {
        #expect(AuditChain.hash(Self.first) == Self.first.hash)
        #expect(AuditChain.hash(Self.second) == Self.second.hash)
    }

    @Test func link_numbersAndChainsEvents() {
        let event = AuditEvent(
            kind: .flowStarted,
            time: Date(timeIntervalSince1970: 1_800_000_000.1239),
            fields: Self.first.fields
        )
        let record = AuditChain.link(event, after: nil)

        #expect(record == Self.first)
        let next = AuditChain.link(AuditEvent(kind: .stepUpFailed, time: Date(), fields: [:]), after: record)
        #expect(next.sequence == 2)
        #expect(next.previousHash == record.hash)
        #expect(AuditChain.verify([record, next]) == nil)
    }

    @Test func verify_acceptsEmptyAndIntactChains() {
        #expect(AuditChain.verify([]) == nil)
        #expect(AuditChain.verify([Self.first, Self.second]) == nil)
        var verifier = AuditChainVerifier()
        #expect(verifier.check(Self.first) == nil)
        #expect(verifier.check(Self.second) == nil)
        #expect(verifier.verifiedCount == 2)
    }

    @Test func verify_namesEditedRecord() {
        var edited = Self.second
        edited.fields["reason"] = "none"

        let broken = AuditChain.verify([Self.first, edited])

        #expect(broken == AuditChainBreak(sequence: 2, reason: .hashMismatch))
        #expect(broken?.description == "hash does not match its content")
    }

    @Test func verify_namesRecordWhoseHashWasRecomputed() {
        var edited = Self.first
        edited.kind = "flow.exhausted"
        edited.hash = AuditChain.hash(edited)

        #expect(
            AuditChain.verify([edited, Self.second]) == AuditChainBreak(sequence: 2, reason: .previousHashMismatch)
        )
    }

    @Test func verify_namesGapAfterRemovedRecord() {
        let third = AuditChain.link(AuditEvent(kind: .codeIssued, time: Date(), fields: [:]), after: Self.second)

        let broken = AuditChain.verify([Self.first, third])

        #expect(broken == AuditChainBreak(sequence: 3, reason: .sequenceGap(expected: 2)))
        #expect(broken?.description == "sequence gap: expected record 2")
    }

    @Test func verify_namesMissingStart() {
        #expect(AuditChain.verify([Self.second]) == AuditChainBreak(sequence: 2, reason: .sequenceGap(expected: 1)))
    }

    @Test func verify_namesWrongGenesis() {
        var first = Self.first
        first.previousHash = String(repeating: "f", count: 64)
        first.hash = AuditChain.hash(first)

        #expect(AuditChain.verify([first]) == AuditChainBreak(sequence: 1, reason: .previousHashMismatch))
    }

    @Test func fieldsJSON_isSortedAndReadsBack() {
        #expect(Self.second.fieldsJSON == #"{"reason":"wrong_password","ü":"é"}"#)
        #expect(AuditRecord.fields(json: Self.second.fieldsJSON) == Self.second.fields)
        #expect(AuditRecord.fields(json: #"{"a":1}"#) == nil)
        #expect(AuditRecord.fields(json: "[]") == nil)
        #expect(AuditRecord.fields(json: "{") == nil)
    }

    @Test func timeMilliseconds_roundsDownAndClamps() {
        #expect(AuditRecord.milliseconds(Date(timeIntervalSince1970: -0.0005)) == -1)
        #expect(AuditRecord.milliseconds(Date(timeIntervalSince1970: .infinity)) == .max)
        #expect(AuditRecord.milliseconds(Date(timeIntervalSince1970: .nan)) == 0)
    }
}
