public import Foundation

/// Per-action step-up policies: which requests are protected, and what each one needs.
///
/// Load one with `Policy.load` (see `docs/policies.md` for the file format). Immutable and
/// `Sendable`, so one instance serves every request thread. Matching costs one walk of the path
/// whatever the number of actions (see `PolicyIndex`).
public struct Policy: Sendable {
    /// The level names, lowest first, that the policy was checked against.
    public let levels: [String]
    /// The actions, in file order.
    public let actions: [PolicyAction]
    private let index: PolicyIndex

    init(levels: [String], actions: [PolicyAction]) {
        self.levels = levels
        self.actions = actions
        self.index = PolicyIndex(actions: actions)
    }

    /// The action that covers `request`, if any, or why its path is refused.
    public func match(_ request: PolicyRequest) -> PolicyMatch {
        let segments: [String]
        switch RequestPath.segments(request.path) {
        case .success(let found): segments = found
        case .failure(let refusal): return .refused(refusal)
        }
        // Known gap: method override headers (X-HTTP-Method-Override, _method) are not read; an
        // application that honours them runs another method than the one matched here.
        let method = Self.upperCasedASCII(request.method)
        let host = request.host.map(RequestPath.normalizedHost)
        guard let found = index.match(method: method, host: host, segments: segments) else { return .noAction }
        return .action(actions[found])
    }

    /// What `request` needs at `riskScore` (clamped to 0...100) and `amount`; nil when no action
    /// covers it.
    ///
    /// A refused path gives a denied requirement without an action. Rules run in file order and
    /// every rule whose condition holds fires: the level only rises, `max_age` only shortens, and
    /// the first `deny` becomes the denial. The transaction is not read here: see `evaluate`.
    public func requirement(for request: PolicyRequest, riskScore: Int, amount: Decimal?) -> PolicyRequirement? {
        switch match(request) {
        case .noAction: return nil
        case .refused(let refusal): return refusedRequirement(.unsafePath(refusal))
        case .action(let action): return requirement(of: action, riskScore: riskScore, amount: amount)
        }
    }

    /// `requirement`, with the amount and the transaction read from the request itself.
    ///
    /// The amount comes from the action's `amount` field (a JSON number, or a string like
    /// `"10.50"`); when it is missing or not a number the amount is unknown, and amount clauses
    /// hold. A bound field that cannot be read denies the request (`.unbindable`).
    public func evaluate(_ request: PolicyRequest, riskScore: Int) -> PolicyRequirement? {
        switch match(request) {
        case .noAction: return nil
        case .refused(let refusal): return refusedRequirement(.unsafePath(refusal))
        case .action(let found): return evaluate(request, action: found, riskScore: riskScore)
        }
    }

    /// `evaluate(_:riskScore:)` for a request that `match` has already matched to `action`, so
    /// a caller that matched first (to know what to read) does not match twice. `action` must
    /// be what `match(request)` returned.
    public func evaluate(_ request: PolicyRequest, action: PolicyAction, riskScore: Int) -> PolicyRequirement {
        var fields = RequestFields(request)
        var amount: Decimal?
        if let field = action.amount, case .success(let text) = fields.value(of: field) {
            amount = DecimalText.plainDecimal(text)
        }
        var requirement = requirement(of: action, riskScore: riskScore, amount: amount)
        guard !action.binding.isEmpty else { return requirement }

        var bound: [Transaction.Field] = []
        for field in action.binding {
            switch fields.value(of: field) {
            case .success(let value):
                bound.append(Transaction.Field(name: field.description, value: value))
            case .failure(let error):
                if requirement.denial == nil { requirement.denial = .unbindable(error) }
                return requirement
            }
        }
        requirement.transaction = Transaction(fields: bound)
        return requirement
    }

    /// The amount `request` carries under `action`: the canonical text of its `amount` field and
    /// its exact value; nil when the action has no `amount` key or the field is missing or not a
    /// plain number (then amount clauses hold, as in `evaluate`).
    ///
    /// The risk engine weighs the amount before the rules run, so a caller reads it first.
    public func amount(of action: PolicyAction, in request: PolicyRequest) -> (text: String, value: Decimal)? {
        guard let field = action.amount else { return nil }
        var fields = RequestFields(request)
        guard case .success(let text) = fields.value(of: field), let value = DecimalText.plainDecimal(text) else {
            return nil
        }
        return (DecimalText.canonical(text) ?? text, value)
    }

    /// The position of `level` in `levels` (0 is lowest), or nil for an unknown name.
    public func rank(of level: String) -> Int? {
        levels.firstIndex(of: level)
    }

    private func requirement(of action: PolicyAction, riskScore: Int, amount: Decimal?) -> PolicyRequirement {
        let score = min(max(riskScore, 0), 100)
        var result = PolicyRequirement(
            action: action.name,
            level: action.level,
            maxAge: action.maxAge,
            binding: action.binding.map(\.description),
            denial: nil,
            firedRules: [],
            transaction: nil
        )
        var rank = self.rank(of: action.level) ?? 0
        for rule in action.rules where rule.holds(riskScore: score, amount: amount) {
            result.firedRules.append(PolicyRequirement.FiredRule(line: rule.line, text: rule.text))
            switch rule.effect {
            case .level(let name):
                if let raised = self.rank(of: name), raised > rank {
                    rank = raised
                    result.level = name
                }
            case .maxAge(let seconds):
                result.maxAge = min(result.maxAge ?? seconds, seconds)
            case .deny:
                if result.denial == nil { result.denial = .rule(line: rule.line, text: rule.text) }
            }
        }
        return result
    }

    private func refusedRequirement(_ denial: PolicyDenial) -> PolicyRequirement {
        PolicyRequirement(
            action: nil,
            level: levels.last ?? "",
            maxAge: nil,
            binding: [],
            denial: denial,
            firedRules: [],
            transaction: nil
        )
    }

    static func upperCasedASCII(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) else { return text }
        return String(decoding: text.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }
}

/// The outcome of matching a request against the actions.
public enum PolicyMatch: Sendable, Hashable {
    case action(PolicyAction)
    /// No action covers the request: the policy does not protect it.
    case noAction
    /// The path is spelled in a way the policy refuses to interpret; treat as denied.
    case refused(RequestPath.Refusal)
}
