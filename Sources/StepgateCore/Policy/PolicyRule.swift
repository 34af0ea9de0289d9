public import Foundation

/// One `rule = CONDITION -> EFFECT` line of a policy action.
///
/// Grammar (tokens separated by spaces):
/// ```
/// rule      = condition "->" effect
/// condition = clause *( "and" clause )
/// clause    = "risk" op INTEGER        ; 0 to 100
///           / "amount" op DECIMAL      ; -?digits(.digits)?
/// op        = "<" / "<=" / ">" / ">="
/// effect    = "level" NAME / "max_age" DURATION / "deny"
/// ```
/// A band is two clauses: `risk >= 40 and risk < 70`.
public struct PolicyRule: Sendable, Hashable {
    /// A comparison.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="

        func holds<T: Comparable>(_ left: T, _ right: T) -> Bool {
            switch self {
            case .less: left < right
            case .lessOrEqual: left <= right
            case .greater: left > right
            case .greaterOrEqual: left >= right
            }
        }
    }

    /// One comparison of the condition.
    public enum Clause: Sendable, Hashable {
        case risk(Operator, Int)
        case amount(Operator, Decimal)
    }

    /// What a rule does when its condition holds; effects only ever tighten.
    public enum Effect: Sendable, Hashable {
        /// Raise the level to this one (never lower).
        case level(String)
        /// Shorten `max_age` to these seconds (never lengthen).
        case maxAge(TimeInterval)
        /// Refuse the request whatever the proof.
        case deny
    }

    /// Every clause must hold.
    public let clauses: [Clause]
    public let effect: Effect
    /// The rule as written, for explanations.
    public let text: String
    /// The line of the policy file.
    public let line: Int

    /// Whether every clause holds for `riskScore` and `amount`.
    ///
    /// An amount clause with no amount holds: effects only tighten, so not knowing the amount
    /// costs the strictest outcome, never a looser one.
    public func holds(riskScore: Int, amount: Decimal?) -> Bool {
        clauses.allSatisfy { clause in
            switch clause {
            case .risk(let op, let threshold): op.holds(riskScore, threshold)
            case .amount(let op, let threshold): amount.map { op.holds($0, threshold) } ?? true
            }
        }
    }

    /// Whether a clause reads the amount.
    public var usesAmount: Bool {
        clauses.contains { if case .amount = $0 { true } else { false } }
    }

    /// The rule written as `text` on `line`; throws what was expected.
    public init(_ text: String, line: Int) throws(PolicyRuleError) {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let arrow = tokens.firstIndex(of: "->") else {
            throw PolicyRuleError("expected CONDITION -> EFFECT, such as 'risk >= 70 -> deny'")
        }
        self.clauses = try Self.parseCondition(tokens[..<arrow])
        self.effect = try Self.parseEffect(tokens[(arrow + 1)...])
        self.text = tokens.joined(separator: " ")
        self.line = line
    }

    private static func parseCondition(_ tokens: ArraySlice<String>) throws(PolicyRuleError) -> [Clause] {
        var clauses: [Clause] = []
        var rest = tokens
        while true {
            guard rest.count >= 3 else {
                throw PolicyRuleError("expected a condition like 'risk >= 40' or 'amount > 1000' before '->'")
            }
            let (subject, opText, value) = (rest[rest.startIndex], rest[rest.startIndex + 1], rest[rest.startIndex + 2])
            guard let op = Operator(rawValue: opText) else {
                throw PolicyRuleError("expected an operator <, <=, > or >=, found '\(opText)'")
            }
            switch subject {
            case "risk":
                guard value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let score = Int(value), (0...100).contains(score)
                else { throw PolicyRuleError("expected a risk score from 0 to 100") }
                clauses.append(.risk(op, score))
            case "amount":
                guard let amount = DecimalText.plainDecimal(value) else {
                    throw PolicyRuleError("expected an amount like 1000 or 99.95")
                }
                clauses.append(.amount(op, amount))
            default:
                throw PolicyRuleError("expected 'risk' or 'amount', found '\(subject)'")
            }
            rest = rest.dropFirst(3)
            if rest.isEmpty { return clauses }
            guard rest.first == "and" else { throw PolicyRuleError("expected 'and' or '->' after a clause") }
            rest = rest.dropFirst()
        }
    }

    private static func parseEffect(_ tokens: ArraySlice<String>) throws(PolicyRuleError) -> Effect {
        let words = Array(tokens)
        switch words.first {
        case "deny" where words.count == 1:
            return .deny
        case "level" where words.count == 2:
            return .level(words[1])
        case "max_age" where words.count == 2:
            do {
                return .maxAge(try DurationText.parse(words[1]))
            } catch {
                throw PolicyRuleError("max_age: \(error)")
            }
        default:
            throw PolicyRuleError("expected an effect 'level NAME', 'max_age DURATION' or 'deny' after '->'")
        }
    }
}

/// Why a rule was refused; `message` says what was expected.
public struct PolicyRuleError: Error, Sendable, Hashable {
    public let message: String

    init(_ message: String) { self.message = message }
}
