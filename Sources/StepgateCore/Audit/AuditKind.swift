/// What an audit record says happened: a stable, dotted, lower-case name.
///
/// Names are part of the log's contract (scripts filter on them), so a shipped name is never
/// renamed. `docs/audit.md` lists each with its fields.
public struct AuditKind: RawRepresentable, Hashable, Sendable {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// `/authorize` found the session short of the requested level and started a challenge.
    public static let flowStarted = AuditKind(rawValue: "flow.started")
    /// A flow ended because its attempts ran out; the client hears `access_denied`.
    public static let flowExhausted = AuditKind(rawValue: "flow.exhausted")
    /// A password or one-time code was accepted.
    public static let stepUpSucceeded = AuditKind(rawValue: "stepup.succeeded")
    /// A password or one-time code was rejected; `reason` says why.
    public static let stepUpFailed = AuditKind(rawValue: "stepup.failed")
    /// An answer was refused unchecked because the account's failure budget is spent.
    public static let stepUpThrottled = AuditKind(rawValue: "stepup.throttled")
    /// The user has no enrolled factor that meets the requested level.
    public static let stepUpUnmet = AuditKind(rawValue: "stepup.unmet")
    /// An authorization code was issued.
    public static let codeIssued = AuditKind(rawValue: "code.issued")
    /// A code was presented again; the refresh-token family it issued was revoked.
    public static let codeReplayed = AuditKind(rawValue: "code.replayed")
    /// Tokens were issued at `/token`.
    public static let tokensIssued = AuditKind(rawValue: "tokens.issued")
    /// A used or revoked refresh token was presented; its whole family was revoked.
    public static let refreshReuseDetected = AuditKind(rawValue: "refresh.reuse_detected")
    /// A session was ended by the user.
    public static let sessionEnded = AuditKind(rawValue: "session.ended")
    /// The decision endpoint let a request through.
    public static let decisionAllowed = AuditKind(rawValue: "decision.allowed")
    /// The decision endpoint asked for a step-up.
    public static let decisionChallenged = AuditKind(rawValue: "decision.challenged")
    /// The decision endpoint refused a request outright.
    public static let decisionDenied = AuditKind(rawValue: "decision.denied")
    /// A step-up asked for by the decision endpoint was approved; a bound one left a grant.
    public static let grantIssued = AuditKind(rawValue: "grant.issued")
    /// A transaction grant was used up by the request it was bound to.
    public static let grantConsumed = AuditKind(rawValue: "grant.consumed")
    /// A recovery code was used to answer a step; `remaining` says how many are left.
    public static let recoveryCodeUsed = AuditKind(rawValue: "recovery_code.used")
    /// A one-time code was sent by SMS or e-mail; `factor.id` names the factor, never the number.
    public static let codeSent = AuditKind(rawValue: "otp.sent")
    /// The user added a factor (`factor.kind`, `factor.id`).
    public static let factorAdded = AuditKind(rawValue: "factor.added")
    /// The user removed a factor (`factor.kind`, `factor.id`).
    public static let factorRemoved = AuditKind(rawValue: "factor.removed")
    /// The user made a new set of recovery codes; the old ones stopped working.
    public static let recoveryCodesRegenerated = AuditKind(rawValue: "recovery_codes.regenerated")
    /// A WebAuthn assertion carried a signature counter at or below the stored one: the
    /// credential may be cloned, and was disabled.
    public static let credentialCounterRegressed = AuditKind(rawValue: "webauthn.counter_regressed")
    /// The user asked Stepgate to remember a device, or to forget one.
    public static let deviceRemembered = AuditKind(rawValue: "device.remembered")
    public static let deviceForgotten = AuditKind(rawValue: "device.forgotten")
    /// The user changed their password (or an administrator set it): the user's other sessions
    /// ended and their refresh tokens were revoked (`sessions.ended`, `refresh_tokens.revoked`).
    public static let passwordChanged = AuditKind(rawValue: "password.changed")
    /// A password change was refused because the current password was wrong; counted against
    /// the account's failure budget.
    public static let passwordChangeFailed = AuditKind(rawValue: "password.change_failed")
}
