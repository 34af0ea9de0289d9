public import Foundation

/// One `[action.NAME]` section of a policy file: which requests it covers and what they need.
public struct PolicyAction: Sendable, Hashable {
    /// The name after `action.`; letters, digits, `_` and `-`.
    public let name: String
    /// The HTTP method, upper case (`POST`). A `GET` action also covers `HEAD`.
    public let method: String
    /// The host, normalised (see `RequestPath.normalizedHost`); nil for any host.
    public let host: String?
    public let path: PathPattern
    /// The level required before rules, by name.
    public let level: String
    /// Seconds since `auth_time` allowed before rules; nil for no limit.
    public let maxAge: TimeInterval?
    /// The fields that make up the transaction, in order; empty when the action is not bound.
    public let binding: [FieldReference]
    /// The field read as the amount for rules, if any.
    public let amount: FieldReference?
    /// Rules in file order.
    public let rules: [PolicyRule]
    /// The line of the `[action.NAME]` header.
    public let line: Int
}

/// A field of a request: `body.amount`, `body.payee.iban` (JSON members) or `query.account`.
public struct FieldReference: Sendable, Hashable, CustomStringConvertible {
    /// Where the field is read from.
    public enum Source: String, Sendable, Hashable {
        case body
        case query
    }

    public let source: Source
    /// Member names from the top of the JSON body; one name for a query parameter.
    public let path: [String]

    /// `body.x.y` or `query.x`; names of letters, digits, `_` and `-`. Nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, let source = Source(rawValue: parts[0]) else { return nil }
        let path = Array(parts.dropFirst())
        guard source == .body || path.count == 1 else { return nil }
        let valid = path.allSatisfy { name in
            !name.isEmpty && name.utf8.allSatisfy { RequestPath.isAlphanumeric($0) || $0 == 95 || $0 == 45 }
        }
        guard valid else { return nil }
        self.source = source
        self.path = path
    }

    /// The field as written in the policy: `body.amount`.
    public var description: String { ([source.rawValue] + path).joined(separator: ".") }
}
