import Foundation
import FuzzSupport
import StepgateCore

/// The level names every policy is loaded against, lowest first (the default configuration's).
private let levels = ["aal1", "aal2", "aal3"]

/// `Policy.load` on arbitrary text (policy files are operator-supplied, and a policy that loads
/// decides which requests are protected).
///
/// A policy that loads must: write back to a file that loads to the same actions; match, for
/// each action, a request on a path its pattern spells out; and only ever tighten through its
/// rules (the level never drops below the action's, `max_age` never grows).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = FuzzInput(data, size).text
    let policy: Policy
    do {
        policy = try Policy.load(text, levels: levels)
    } catch {
        require(!error.problems.isEmpty, "a refused policy without a problem")
        return 0
    }
    let written = render(policy.actions)
    let reloaded: Policy
    do {
        reloaded = try Policy.load(written, levels: levels)
    } catch {
        fatalError("property violated: the written policy does not load: \(error.problems)")
    }
    require(reloaded.actions.map(Shape.init) == policy.actions.map(Shape.init), "written policy reads differently")

    for action in policy.actions {
        require(levels.contains(action.level), "an action with an unknown level")
        checkMatch(policy, action)
        checkRules(action)
    }
    return 0
}

/// An action without its line numbers: what must survive writing the policy back.
private struct Shape: Equatable {
    let name: String
    let method: String
    let host: String?
    let path: String
    let level: String
    let maxAge: TimeInterval?
    let binding: [FieldReference]
    let amount: FieldReference?
    let rules: [String]

    init(_ action: PolicyAction) {
        name = action.name
        method = action.method
        host = action.host
        path = action.path.description
        level = action.level
        maxAge = action.maxAge
        binding = action.binding
        amount = action.amount
        rules = action.rules.map(\.text)
    }
}

/// `actions` as a policy file, every value quoted.
private func render(_ actions: [PolicyAction]) -> String {
    var lines: [String] = []
    for action in actions {
        lines.append("[action.\(action.name)]")
        lines.append("method = \(quoted(action.method))")
        lines.append("path = \(quoted(action.path.description))")
        if let host = action.host { lines.append("host = \(quoted(host))") }
        lines.append("level = \(quoted(action.level))")
        if let maxAge = action.maxAge { lines.append("max_age = \(Int(maxAge))") }
        if !action.binding.isEmpty {
            lines.append("bind = \(quoted(action.binding.map(\.description).joined(separator: " ")))")
        }
        if let amount = action.amount { lines.append("amount = \(quoted(amount.description))") }
        for rule in action.rules { lines.append("rule = \(quoted(rule.text))") }
    }
    return lines.joined(separator: "\n")
}

private func quoted(_ value: String) -> String {
    "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

/// A path that `action`'s pattern spells out: parameters filled in, a final `*` dropped.
private func ownPath(_ action: PolicyAction) -> String {
    let segments = action.path.segments.map { segment in
        switch segment {
        case .literal(let text): text
        case .parameter: "x"
        }
    }
    return "/" + segments.joined(separator: "/")
}

/// A request on a path the action's pattern spells out (parameters filled in, a final `*`
/// dropped) for the action's method and host is matched to an action: never left unprotected,
/// never refused.
private func checkMatch(_ policy: Policy, _ action: PolicyAction) {
    let path = ownPath(action)
    let request = PolicyRequest(method: action.method, target: path, host: action.host)
    switch policy.match(request) {
    case .action(let found):
        require(found.method == action.method, "a request matched an action of another method")
    case .noAction:
        fatalError("property violated: action \(action.name) does not match its own path \(path)")
    case .refused(let refusal):
        fatalError("property violated: action \(action.name)'s own path is refused: \(refusal)")
    }
}

/// Rules only tighten: whatever the risk and amount, the level is at least the action's and
/// `max_age` at most the action's; and the rules that fire are exactly those that hold.
///
/// Judged on a policy of this action alone (which must load: any part of a valid policy is
/// valid), so that no more specific action takes the request.
private func checkRules(_ action: PolicyAction) {
    let alone: Policy
    do {
        alone = try Policy.load(render([action]), levels: levels)
    } catch {
        fatalError("property violated: action \(action.name) alone does not load: \(error.problems)")
    }
    guard let base = alone.rank(of: action.level) else { return }
    let request = PolicyRequest(method: action.method, target: ownPath(action), host: action.host)
    let amounts: [Decimal?] = [nil, 0, Decimal(string: "999.99"), 1000, 1_000_000]
    for riskScore in [-5, 0, 39, 40, 69, 70, 100, 150] {
        for amount in amounts {
            guard let requirement = alone.requirement(for: request, riskScore: riskScore, amount: amount) else {
                fatalError("property violated: action \(action.name) alone does not cover its own path")
            }
            let clamped = min(max(riskScore, 0), 100)
            let holding = action.rules.filter { $0.holds(riskScore: clamped, amount: amount) }
            require(requirement.firedRules.map(\.text) == holding.map(\.text), "fired rules are not those that hold")
            require((alone.rank(of: requirement.level) ?? -1) >= base, "a rule lowered the level")
            if let maxAge = action.maxAge {
                require((requirement.maxAge ?? .infinity) <= maxAge, "a rule lengthened max_age")
            }
            let denies = holding.contains { $0.effect == .deny }
            require((requirement.denial != nil) == denies, "a denial without a deny rule, or the reverse")
        }
    }
}
