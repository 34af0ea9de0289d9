public import Foundation

/// Something that happened, before it has a place in the chain.
///
/// `fields` is flat: names from `AuditKey`, values plain strings. It must hold no secret;
/// `AuditEvent` cannot tell a secret from an identifier, so callers choose only identifiers,
/// levels and fixed reason codes (the log-hygiene tests check the whole flow).
public struct AuditEvent: Sendable, Hashable {
    public var kind: AuditKind
    /// When it happened, from the injected clock; kept to the millisecond.
    public var time: Date
    public var fields: [String: String]

    public init(kind: AuditKind, time: Date, fields: [String: String] = [:]) {
        self.kind = kind
        self.time = time
        self.fields = fields
    }

    /// Milliseconds since 1970, rounded down and clamped to `Int64`, as the chain encodes it.
    public var timeMilliseconds: Int64 {
        AuditRecord.milliseconds(time)
    }
}
