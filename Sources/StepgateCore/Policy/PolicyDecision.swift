public import Foundation

/// What the user's current proof of authentication says about one request.
public struct AuthenticationProof: Sendable, Hashable {
    /// The level achieved (`acr`).
    public var acr: String
    /// When the user last actively authenticated (`auth_time`).
    public var authTime: Date
    /// The methods used (`amr`); carried for identity headers and explanations, not decided on.
    public var amr: [String]

    public init(acr: String, authTime: Date, amr: [String] = []) {
        self.acr = acr
        self.authTime = authTime
        self.amr = amr
    }
}

/// The answer for one request: let it through, ask for a stronger or fresher proof, or refuse.
public enum PolicyDecision: Sendable, Hashable, CustomStringConvertible {
    case allow
    /// Authenticate again at `acr` (or above), no longer ago than `maxAge` seconds when set
    /// (RFC 9470 `acr_values` and `max_age`).
    case stepUp(acr: String, maxAge: TimeInterval?)
    case deny(PolicyDenial)

    /// The decision for `requirement` given `proof`, at `now`, with `levels` lowest first.
    ///
    /// A denied requirement denies. No proof, a proof whose `acr` is not in `levels` or ranks
    /// below the required level, or an `auth_time` more than `maxAge` seconds before `now` (or
    /// after `now`) asks for a step-up. Otherwise allow.
    public static func decide(
        _ requirement: PolicyRequirement,
        proof: AuthenticationProof?,
        now: Date,
        levels: [String]
    ) -> PolicyDecision {
        if let denial = requirement.denial { return .deny(denial) }
        let stepUp = PolicyDecision.stepUp(acr: requirement.level, maxAge: requirement.maxAge)
        guard let proof, let achieved = levels.firstIndex(of: proof.acr),
            let required = levels.firstIndex(of: requirement.level), achieved >= required
        else { return stepUp }
        if let maxAge = requirement.maxAge {
            let age = now.timeIntervalSince(proof.authTime)
            guard age >= 0, age <= maxAge else { return stepUp }
        }
        return .allow
    }

    /// `allow`, `step_up LEVEL [SECONDS]` or `deny`: the words of a policy test case.
    public var description: String {
        switch self {
        case .allow: "allow"
        case .stepUp(let acr, let maxAge?): "step_up \(acr) \(Int(maxAge))"
        case .stepUp(let acr, nil): "step_up \(acr)"
        case .deny: "deny"
        }
    }
}
