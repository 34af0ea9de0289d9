public import Foundation

/// Why a request gets its decision: the matched action, every risk signal, the score, the rules
/// that fired, and the decision, in the order the decision endpoint takes them.
///
/// The order is the endpoint's: match the action, read its amount, score the risk with that
/// amount, apply the rules at that score, refuse a deny-listed network, refuse a denied
/// requirement, then weigh the proof. A bound action that the proof covers still needs a grant
/// for exactly its transaction; `needsGrant` says so.
public struct PolicyExplanation: Sendable {
    /// The final answer.
    public enum Outcome: Sendable, Hashable, CustomStringConvertible {
        /// No action covers the request; the deployment's `decide.unmatched` setting decides.
        case noAction
        case allow
        /// Authenticate again at `acr`, within `maxAge` seconds when set.
        case stepUp(acr: String, maxAge: TimeInterval?)
        /// Refused whatever the proof; `reason` is the endpoint's fixed code (`rule`,
        /// `unsafe_path`, `unbindable`, `network_denied`).
        case deny(reason: String)

        /// `no_action`, `allow`, `step_up LEVEL [SECONDS]` or `deny REASON`.
        public var description: String {
            switch self {
            case .noAction: "no_action"
            case .allow: "allow"
            case .stepUp(let acr, let maxAge?): "step_up \(acr) \(Int(maxAge))"
            case .stepUp(let acr, nil): "step_up \(acr)"
            case .deny(let reason): "deny \(reason)"
            }
        }
    }

    /// The action that covers the request; nil for no action or a refused path.
    public let action: PolicyAction?
    /// The amount read from the action's `amount` field, as canonical text.
    public let amount: String?
    /// The risk engine's assessment; nil when no action matched (no risk is scored then).
    public let assessment: RiskAssessment?
    /// What the request needs after the rules; nil for no action.
    public let requirement: PolicyRequirement?
    /// The decision.
    public let outcome: Outcome
    /// True when the outcome is `allow` for a bound action: the endpoint then also uses up a
    /// grant for exactly `requirement.transaction`, and asks for a step-up without one.
    public let needsGrant: Bool

    /// Explains the decision for `scenario` under `policy`, scored by `engine`.
    public init(policy: Policy, engine: RiskEngine, scenario: PolicyScenario) {
        let request = scenario.request
        guard case .action(let action) = policy.match(request) else {
            let requirement = policy.evaluate(request, riskScore: 0)
            self.action = nil
            self.amount = nil
            self.assessment = nil
            self.requirement = requirement
            self.outcome = requirement?.denial.map { .deny(reason: Self.code($0)) } ?? .noAction
            self.needsGrant = false
            return
        }
        let amount = policy.amount(of: action, in: request)
        var input = scenario.risk
        input.amount = amount?.value
        let assessment = engine.evaluate(input)
        // The action matched above, so evaluate finds the same one.
        let requirement = policy.evaluate(request, riskScore: assessment.score)

        self.action = action
        self.amount = amount?.text
        self.assessment = assessment
        self.requirement = requirement
        (self.outcome, self.needsGrant) = Self.decide(requirement, assessment, policy: policy, scenario: scenario)
    }

    private static func decide(
        _ requirement: PolicyRequirement?,
        _ assessment: RiskAssessment,
        policy: Policy,
        scenario: PolicyScenario
    ) -> (Outcome, Bool) {
        guard let requirement else { return (.noAction, false) }
        if assessment.denied { return (.deny(reason: "network_denied"), false) }
        switch PolicyDecision.decide(requirement, proof: scenario.proof, now: scenario.now, levels: policy.levels) {
        case .allow: return (.allow, requirement.transaction != nil)
        case .stepUp(let acr, let maxAge): return (.stepUp(acr: acr, maxAge: maxAge), false)
        case .deny(let denial): return (.deny(reason: code(denial)), false)
        }
    }

    /// The decision endpoint's fixed code for a denial.
    public static func code(_ denial: PolicyDenial) -> String {
        switch denial {
        case .rule: "rule"
        case .unsafePath: "unsafe_path"
        case .unbindable: "unbindable"
        }
    }
}
