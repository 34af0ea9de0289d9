/// What a case needs from the target description; a case whose needs are not met is skipped
/// with the reason `missing(in:options:)` gives.
public enum Capability: String, Sendable, CaseIterable, Codable {
    /// A TOTP seed for the user.
    case totp
    /// `webauthn: register` for the user.
    case webAuthn = "webauthn"
    /// A second factor for the user: a TOTP seed or a key to register.
    case secondFactor = "second_factor"
    /// A `second_user`.
    case secondUser = "second_user"
    /// At least one resource.
    case resource
    /// A resource with `browser: false` (bearer tokens, RFC 9470 challenges).
    case apiResource = "api_resource"
    /// A resource with `browser: true`.
    case browserResource = "browser_resource"
    /// A resource with `bound: true`.
    case boundResource = "bound_resource"
    /// A `lockout_user` with a TOTP seed, which a case may lock out.
    case lockoutUser = "lockout_user"
    /// A `flow_lifetime` no longer than the wait limit.
    case flowLifetime = "flow_lifetime"

    /// Why `target` (run with `options`) lacks this; nil when it has it.
    public func missing(in target: TargetDescription, options: RunOptions) -> String? {
        switch self {
        case .totp:
            return target.user.totpSecret == nil ? "the user has no totp_secret" : nil
        case .webAuthn:
            return target.user.webAuthn == .register ? nil : "the user has no webauthn: register"
        case .secondFactor:
            let has = target.user.totpSecret != nil || target.user.webAuthn == .register
            return has ? nil : "the user has neither totp_secret nor webauthn: register"
        case .secondUser:
            return target.secondUser == nil ? "the target file has no second_user" : nil
        case .resource:
            return target.resources.isEmpty ? "the target file lists no resources" : nil
        case .apiResource:
            return target.resources.contains { !$0.browser }
                ? nil : "no resource with browser: false"
        case .browserResource:
            return target.resources.contains { $0.browser } ? nil : "no resource with browser: true"
        case .boundResource:
            return target.resources.contains { $0.expects.bound }
                ? nil : "no resource with bound: true"
        case .lockoutUser:
            guard let user = target.lockoutUser else {
                return "the target file has no lockout_user (a user the probe may lock out)"
            }
            return user.totpSecret == nil ? "the lockout_user has no totp_secret" : nil
        case .flowLifetime:
            guard let lifetime = target.flowLifetime else {
                return
                    "the target file gives no flow_lifetime, so the probe cannot wait for a flow to expire"
            }
            guard lifetime <= options.maxWait else {
                return "the target's flow lifetime (\(Int(lifetime)) s) is over the wait limit "
                    + "(\(Int(options.maxWait)) s); shorten it on the target or raise --max-wait"
            }
            return nil
        }
    }
}
