import StepgateCrypto

/// The hash chain of the audit log: how a record is encoded and hashed, and how a run of
/// records is checked. `docs/audit.md` states the same encoding for third-party verifiers.
///
/// Encoding, version 1: the concatenation of netstrings (`<decimal byte length>:<bytes>,`) of
/// the UTF-8 texts `stepgate-audit-v1`, the sequence number in decimal, the time in
/// milliseconds since 1970 in decimal, the kind, the number of fields in decimal, then each
/// field's name and value with fields sorted by the UTF-8 bytes of their names, and last the
/// previous record's hash. A record's hash is the lower-case hex SHA-256 of its encoding.
public enum AuditChain {
    /// The `previousHash` of the first record: 64 zeros.
    public static let genesis = String(repeating: "0", count: 64)

    /// The first sequence number.
    public static let firstSequence: Int64 = 1

    /// The canonical bytes of `record` that its hash covers; the record's own `hash` is not in them.
    public static func encode(_ record: AuditRecord) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + record.fields.count * 48)
        append("stepgate-audit-v1", to: &bytes)
        append(String(record.sequence), to: &bytes)
        append(String(record.timeMilliseconds), to: &bytes)
        append(record.kind, to: &bytes)
        append(String(record.fields.count), to: &bytes)
        for name in record.fields.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            append(name, to: &bytes)
            append(record.fields[name] ?? "", to: &bytes)
        }
        append(record.previousHash, to: &bytes)
        return bytes
    }

    /// The lower-case hex SHA-256 of `encode(record)`.
    public static func hash(_ record: AuditRecord) -> String {
        hex(Digest.sha256(encode(record)))
    }

    /// The record that follows `previous` (nil: the chain is empty) for `event`, hashed.
    public static func link(_ event: AuditEvent, after previous: AuditRecord?) -> AuditRecord {
        link(event, afterSequence: previous?.sequence ?? 0, previousHash: previous?.hash ?? genesis)
    }

    /// The record with number `afterSequence + 1` that follows the hash `previousHash`.
    public static func link(_ event: AuditEvent, afterSequence: Int64, previousHash: String) -> AuditRecord {
        var record = AuditRecord(
            sequence: afterSequence + 1,
            timeMilliseconds: event.timeMilliseconds,
            kind: event.kind.rawValue,
            fields: event.fields,
            previousHash: previousHash,
            hash: ""
        )
        record.hash = hash(record)
        return record
    }

    /// Checks `records`, which must be the whole log from its first record, in order; nil when
    /// the chain is intact, else the first broken record.
    public static func verify(_ records: [AuditRecord]) -> AuditChainBreak? {
        var verifier = AuditChainVerifier()
        for record in records {
            if let broken = verifier.check(record) { return broken }
        }
        return nil
    }

    private static func append(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: String(text.utf8.count).utf8)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: text.utf8)
        bytes.append(UInt8(ascii: ","))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Checks records one at a time, so a long log can be verified page by page.
public struct AuditChainVerifier: Sendable {
    private var expectedSequence = AuditChain.firstSequence
    private var previousHash = AuditChain.genesis

    /// How many records have passed.
    public private(set) var verifiedCount = 0

    public init() {}

    /// Checks the next record; nil when it continues the chain. After a break, the verifier's
    /// state is unchanged, so the caller stops there.
    public mutating func check(_ record: AuditRecord) -> AuditChainBreak? {
        guard record.sequence == expectedSequence else {
            return AuditChainBreak(sequence: record.sequence, reason: .sequenceGap(expected: expectedSequence))
        }
        guard record.previousHash == previousHash else {
            return AuditChainBreak(sequence: record.sequence, reason: .previousHashMismatch)
        }
        // Both are public values from the same store; no secret rides on this comparison.
        guard AuditChain.hash(record) == record.hash else {
            return AuditChainBreak(sequence: record.sequence, reason: .hashMismatch)
        }
        expectedSequence = record.sequence + 1
        previousHash = record.hash
        verifiedCount += 1
        return nil
    }
}

/// Where and why the chain is broken.
public struct AuditChainBreak: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The record's number is not the one after the previous record (a record was removed,
        /// inserted or renumbered).
        case sequenceGap(expected: Int64)
        /// The record does not name the previous record's hash.
        case previousHashMismatch
        /// The record's content does not hash to its stored hash (it was edited).
        case hashMismatch
        /// The stored row could not be read as a record.
        case unreadable
    }

    /// The sequence number of the first broken record.
    public let sequence: Int64
    public let reason: Reason

    public init(sequence: Int64, reason: Reason) {
        self.sequence = sequence
        self.reason = reason
    }

    /// A plain sentence, such as `hash does not match its content`.
    public var description: String {
        switch reason {
        case .sequenceGap(let expected): "sequence gap: expected record \(expected)"
        case .previousHashMismatch: "previous hash does not match the record before it"
        case .hashMismatch: "hash does not match its content"
        case .unreadable: "stored row cannot be read"
        }
    }
}
