public import Foundation
public import StepgateCrypto

/// One link of the audit chain: an event with its sequence number, the previous record's
/// hash and its own hash (see `AuditChain` and `docs/audit.md`).
public struct AuditRecord: Sendable, Hashable {
    /// 1 for the first record, then each record one more than the previous.
    public var sequence: Int64
    /// Milliseconds since 1970.
    public var timeMilliseconds: Int64
    public var kind: String
    public var fields: [String: String]
    /// The previous record's `hash`; `AuditChain.genesis` for the first record.
    public var previousHash: String
    /// Lower-case hex SHA-256 of `AuditChain.encode(self)`.
    public var hash: String

    public init(
        sequence: Int64,
        timeMilliseconds: Int64,
        kind: String,
        fields: [String: String],
        previousHash: String,
        hash: String
    ) {
        self.sequence = sequence
        self.timeMilliseconds = timeMilliseconds
        self.kind = kind
        self.fields = fields
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The record's time as a `Date`.
    public var time: Date {
        Date(timeIntervalSince1970: TimeInterval(timeMilliseconds) / 1000)
    }

    /// The fields as compact JSON text with members sorted by their UTF-8 bytes, as stored.
    public var fieldsJSON: String {
        JSONValue.object(fields.mapValues(JSONValue.string)).serializedString
    }

    /// Fields read back from `fieldsJSON`; nil unless the text is one JSON object whose every
    /// member is a string.
    public static func fields(json: String) -> [String: String]? {
        guard let members = (try? JSONValue.parse(Array(json.utf8)))?.objectValue else { return nil }
        var fields: [String: String] = [:]
        for (name, value) in members {
            guard let text = value.stringValue else { return nil }
            fields[name] = text
        }
        return fields
    }

    /// The record as one JSON object: what `stepgate audit tail` prints per line.
    public var json: JSONValue {
        .object([
            "seq": .integer(sequence),
            "time_ms": .integer(timeMilliseconds),
            "kind": .string(kind),
            "fields": .object(fields.mapValues(JSONValue.string)),
            "prev_hash": .string(previousHash),
            "hash": .string(hash),
        ])
    }

    /// Milliseconds since 1970, rounded down; times outside `Int64` are clamped, so it never traps.
    static func milliseconds(_ date: Date) -> Int64 {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        if milliseconds.isNaN { return 0 }
        if milliseconds >= 0x1p63 { return .max }
        if milliseconds < -0x1p63 { return .min }
        return Int64(milliseconds)
    }
}
