public import Foundation

/// What a request needs under a policy: the level, the freshness, the transaction, or a refusal.
public struct PolicyRequirement: Sendable, Hashable {
    /// A rule that fired, for explanations.
    public struct FiredRule: Sendable, Hashable {
        public let line: Int
        public let text: String
    }

    /// The matched action; nil when the request was refused before matching (a bad path).
    public var action: String?
    /// The level required after rules.
    public var level: String
    /// Seconds since `auth_time` allowed after rules; nil for no limit.
    public var maxAge: TimeInterval?
    /// The fields the proof must be bound to, as written (`body.amount`); empty when unbound.
    public var binding: [String]
    /// Why the request is refused whatever the proof; nil when a proof can meet it.
    public var denial: PolicyDenial?
    /// Every rule whose condition held, in file order.
    public var firedRules: [FiredRule]
    /// The bound transaction, when `Policy.evaluate` read one from the request.
    public var transaction: Transaction?
}

/// Why a request is refused whatever proof comes with it.
public enum PolicyDenial: Sendable, Hashable, CustomStringConvertible {
    /// A `-> deny` rule fired.
    case rule(line: Int, text: String)
    /// The path is spelled in a way the policy refuses to interpret.
    case unsafePath(RequestPath.Refusal)
    /// A bound field could not be read from the request.
    case unbindable(TransactionBindingError)

    /// A sentence for operators; names no request data.
    public var description: String {
        switch self {
        case .rule(let line, let text): "rule on line \(line) (\(text))"
        case .unsafePath(let refusal): "unsafe path (\(refusal.rawValue))"
        case .unbindable(let error): "cannot bind the transaction (\(error))"
        }
    }
}
