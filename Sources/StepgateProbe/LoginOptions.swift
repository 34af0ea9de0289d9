/// How the login driver answers a flow.
public struct LoginOptions: Sendable {
    public var ui: TargetDescription.LoginUI
    /// Second factors in the order the driver picks them when the flow offers several.
    public var preference: [FactorKind]
    /// Longest wait for a fresh TOTP step, in seconds.
    public var maxWait: Double
    /// Most pages or answers before the driver gives up.
    public var maxSteps = 12
    /// How WebAuthn assertions depart from correct ones (the WebAuthn cases); correct by default.
    public var assertion = WebAuthnAssertionOptions()

    public init(
        ui: TargetDescription.LoginUI,
        preference: [FactorKind] = [.webAuthn, .totp],
        maxWait: Double
    ) {
        self.ui = ui
        self.preference = preference
        self.maxWait = maxWait
    }
}
