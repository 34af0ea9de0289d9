import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore

/// One way to answer the next step of a flow, as the user's enrolled factors allow.
enum FlowStep: Sendable, Hashable {
    case password
    /// A code from an authenticator app (any of the user's TOTP factors).
    case totp
    /// A code sent by SMS or e-mail to one factor.
    case code(factorID: String, channel: CodeChannel)
    /// A security key or passkey; `userVerification` says whether the ceremony must verify the
    /// user for the level to be met.
    case webauthn(userVerification: Bool)
    /// One of the user's recovery codes.
    case recovery

    /// The form's `step` field and the JSON API's `next`: `password`, `otp`, `sms`, `email`,
    /// `webauthn` or `recovery`.
    var name: String {
        switch self {
        case .password: "password"
        case .totp: "otp"
        case .code(_, let channel): channel.rawValue
        case .webauthn: "webauthn"
        case .recovery: "recovery"
        }
    }

    /// What a page or a client names to pick this way: the step name, with the factor's ID for
    /// a code (`sms:ID`).
    var choice: String {
        switch self {
        case .code(let factorID, let channel): "\(channel.rawValue):\(factorID)"
        default: name
        }
    }

    /// The method an accepted answer records (WebAuthn's depends on the assertion's flags).
    var method: AuthenticationMethod {
        switch self {
        case .password: .pwd
        case .totp: .otp
        case .code(_, .sms): .sms
        case .code(_, .email): .email
        case .webauthn: .hwk
        case .recovery: .recovery
        }
    }
}

/// The channel a one-time code travels by.
enum CodeChannel: String, Sendable, Hashable {
    case sms
    case email

    /// The method a code accepted from this channel records.
    var method: AuthenticationMethod { self == .sms ? .sms : .email }
}

/// What the next step of a flow asks: one way to answer, the other ways, and what it is for.
struct FlowPrompt: Sendable, Hashable {
    /// The way shown first (or the one the user picked).
    var step: FlowStep
    /// The other ways the user may pick instead.
    var alternatives: [FlowStep] = []
    /// The requirement set the step meets; empty for the password.
    var target: Set<AuthenticationMethod> = []
    /// Methods already counted towards the level: asking for one again would not help.
    var used: Set<AuthenticationMethod> = []
    /// Show the one uniform failure message.
    var failed = false
    /// A message about the step itself (a code held back by the resend limit), never a secret.
    var notice: String?

    /// Every way to answer, the shown one first.
    var steps: [FlowStep] { [step] + alternatives }
}

extension Provider {
    /// The ways `userID` can meet one of `sets` (the level's missing requirement sets, first
    /// first), most convenient first: security keys and passkeys, the app, SMS, e-mail, recovery
    /// codes. Methods in `used` are left out, since the same method twice is one factor. The
    /// first set any enrolled factor can meet decides, and is returned with its ways; nil when
    /// no enrolled factor meets any.
    func factorOptions(
        userID: String,
        sets: [Set<AuthenticationMethod>],
        used: Set<AuthenticationMethod>
    ) throws -> (target: Set<AuthenticationMethod>, steps: [FlowStep])? {
        let factors = try store.factors(userID: userID)
        let credentials = try store.webAuthnCredentials(userID: userID).filter { $0.disabledAt == nil }
        let recovery = try store.recoveryCodeCount(userID: userID)
        for set in sets {
            func helps(_ method: AuthenticationMethod) -> Bool {
                !used.contains(method) && set.contains { method.satisfies($0) }
            }
            var options: [FlowStep] = []
            if let step = webAuthnStep(credentials, helps: helps) { options.append(step) }
            if helps(.otp), factors.contains(where: { $0.kind == "totp" }) { options.append(.totp) }
            for channel in [CodeChannel.sms, .email] where helps(channel.method) {
                for factor in factors where factor.kind == channel.rawValue {
                    options.append(.code(factorID: factor.id, channel: channel))
                }
            }
            if helps(.recovery), recovery.unused > 0 { options.append(.recovery) }
            if !options.isEmpty { return (set, options) }
        }
        return nil
    }

    /// The WebAuthn step when some enabled credential can help: with user verification required
    /// when only a verifying assertion (`hwk+pin`, `swk+pin`) would.
    private func webAuthnStep(
        _ credentials: [WebAuthnCredentialRecord],
        helps: (AuthenticationMethod) -> Bool
    ) -> FlowStep? {
        var withoutVerification = false
        var withVerification = false
        for credential in credentials {
            let (plain, verified) = Self.webAuthnMethods(backupEligible: credential.backupEligible)
            if helps(plain) { withoutVerification = true }
            if helps(verified) { withVerification = true }
        }
        if withoutVerification { return .webauthn(userVerification: false) }
        if withVerification { return .webauthn(userVerification: true) }
        return nil
    }

    /// The enabled credentials whose assertion can meet `prompt`'s target: verified, or when the
    /// step does not require verification, also unverified. The WebAuthn step offers exactly
    /// these, and the answer checks that the assertion it gets does meet the target.
    func eligibleCredentials(userID: String, prompt: FlowPrompt) throws -> [WebAuthnCredentialRecord] {
        var required = false
        if case .webauthn(let verification) = prompt.step { required = verification }
        func helps(_ method: AuthenticationMethod) -> Bool {
            !prompt.used.contains(method) && prompt.target.contains { method.satisfies($0) }
        }
        return try store.webAuthnCredentials(userID: userID).filter { credential in
            guard credential.disabledAt == nil else { return false }
            let (plain, verified) = Self.webAuthnMethods(backupEligible: credential.backupEligible)
            return helps(verified) || (!required && helps(plain))
        }
    }

    /// What an assertion of a credential records: `hwk` for a device-bound key, `swk` for a
    /// synced passkey (backup eligible), each `+pin` when the user was verified.
    static func webAuthnMethods(backupEligible: Bool) -> (plain: AuthenticationMethod, verified: AuthenticationMethod) {
        backupEligible ? (.swk, .swkVerified) : (.hwk, .hwkVerified)
    }
}
