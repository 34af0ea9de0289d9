/// WebAuthn assertions that must be refused (W3C WebAuthn Level 3 §7.2): made for another
/// site or ceremony, from a cloned authenticator, or without the user verification a level needs.
public enum WebAuthnCases {
    public static let all: [any ProbeCase] = [wrongOrigin, counterRegression, missingUV]

    public static let wrongOrigin = ScriptedCase(
        CaseInfo(
            id: "webauthn.wrong_origin",
            title: "WebAuthn assertion for another origin, ceremony or challenge",
            category: "webauthn",
            sends:
                "in one flow at the second level, signed assertions whose clientDataJSON names another "
                + "site's origin, the type webauthn.create, or a challenge the target never sent; then a "
                + "correct one",
            expects: "each wrong assertion refused with no code; the correct one then completes the flow",
            rationale:
                "WebAuthn Level 3 §7.2 steps 11-13: the type, challenge and origin are what make an "
                + "assertion phishing-resistant; a relay site's assertion must not sign anyone in",
            needs: [.webAuthn]
        )
    ) { context in
        let flow = try PendingFlow.atSecondFactor(
            context,
            try context.oidc().parameters(acr: try context.secondLevel())
        )
        var origin = WebAuthnAssertionOptions()
        origin.origin = "https://stepgate-probe.attacker.example"
        var type = WebAuthnAssertionOptions()
        type.type = "webauthn.create"
        var challenge = WebAuthnAssertionOptions()
        challenge.challenge = context.random.bytes(32)
        for (label, options) in [
            ("another origin", origin), ("the type webauthn.create", type),
            ("a challenge the target never sent", challenge),
        ] {
            let response = try flow.answerWebAuthn(options)
            try context.require(
                refused(flow, response),
                "an assertion with \(label) was accepted (\(response.status))"
            )
        }
        try completes(context, flow, "after the wrong assertions")
        return .passed
    }

    public static let counterRegression = ScriptedCase(
        CaseInfo(
            id: "webauthn.counter_regression",
            title: "WebAuthn signature counter not above the last one",
            category: "webauthn",
            sends:
                "for each of two credentials registered for this case alone: an assertion with counter "
                + "7, then one with counter 7 again (the first) or 3 (the second), each in its own flow",
            expects: "the first assertion accepted, the repeated and the lower counter refused with no code",
            rationale:
                "WebAuthn Level 3 §7.2 step 22: a counter that does not rise on a credential that keeps "
                + "one signals a cloned authenticator; the relying party must not accept it",
            needs: [.webAuthn]
        )
    ) { context in
        let level = try context.secondLevel()
        for (label, regressed) in [("the same counter", UInt32(7)), ("a lower counter", 3)] {
            let copy = try registerExtraCredential(context, level: level)
            var first = WebAuthnAssertionOptions()
            first.signCount = 7
            let control = try PendingFlow.atSecondFactor(context, try context.oidc().parameters(acr: level))
            let accepted = try control.answerWebAuthn(first, as: copy)
            try context.require(
                control.issuedCode(accepted),
                "the new credential's first assertion (counter 7) was refused (\(accepted.status))"
            )
            var again = WebAuthnAssertionOptions()
            again.signCount = regressed
            let flow = try PendingFlow.atSecondFactor(context, try context.oidc().parameters(acr: level))
            let response = try flow.answerWebAuthn(again, as: copy)
            try context.require(
                refused(flow, response),
                "an assertion with \(label) (\(regressed) after 7) was accepted"
            )
        }
        return .passed
    }

    public static let missingUV = ScriptedCase(
        CaseInfo(
            id: "webauthn.missing_uv",
            title: "WebAuthn assertion without user verification where the level needs it",
            category: "webauthn",
            sends:
                "in a flow for the highest level, whose WebAuthn step asks for userVerification "
                + "required: an assertion with the UV flag off, then a correct one",
            expects: "the first refused with no code; the correct one completes the flow",
            rationale:
                "WebAuthn Level 3 §7.2 step 16 and NIST SP 800-63B §5.1.9 / §4.3 (AAL3 needs a "
                + "multi-factor authenticator): a key used without its PIN or biometric is one factor",
            needs: [.webAuthn]
        )
    ) { context in
        let level = try context.levels().last ?? context.secondLevel()
        let flow = try PendingFlow.atSecondFactor(context, try context.oidc().parameters(acr: level))
        let verification = try flow.webAuthnUserVerification()
        guard verification == "required" else {
            throw CaseSkipped(
                "the WebAuthn step for \(level) asks for userVerification "
                    + "\(verification.map { LoginDriver.printable($0) } ?? "(none offered)"), not required"
            )
        }
        var options = WebAuthnAssertionOptions()
        options.userVerified = false
        let response = try flow.answerWebAuthn(options)
        try context.require(
            !flow.issuedCode(response),
            "an assertion without user verification completed the \(level) flow"
        )
        if flow.accepted(response) {
            context.note("the target accepted the assertion as a step and asked for more")
        }
        try completes(context, flow, "after the one without user verification")
        return .passed
    }
}
