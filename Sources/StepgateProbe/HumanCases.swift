/// What a probe cannot check by itself: a person works through these and ticks them off.
public enum HumanCases {
    public static let all: [any ProbeCase] = [biometricFallback, hardwareKeyTimeout]

    public static let biometricFallback = ScriptedCase(
        CaseInfo(
            id: "human.biometric_fallback",
            title: "Biometric fallback on a passkey",
            category: "human",
            sends: "nothing: a person uses a real device",
            expects: "the checklist below holds",
            rationale:
                "WebAuthn §6.2.3 (user verification by any means), NIST SP 800-63B §5.2.3: a failed "
                + "fingerprint falls back to the device PIN, never to no verification",
            needs: [.webAuthn]
        )
    ) { _ in
        .human([
            "With the fingerprint or face sensor failing (wet finger, covered camera), the passkey prompt offers the "
                + "device PIN or password, and the step-up completes after it.",
            "Cancelling the fallback leaves the step-up unanswered: no code, the page offers to try again.",
            "With biometrics switched off on the device, a level that needs user verification (aal3) still "
                + "completes with the PIN, and the token's amr lists pin.",
        ])
    }

    public static let hardwareKeyTimeout = ScriptedCase(
        CaseInfo(
            id: "human.hardware_key_timeout",
            title: "Hardware key timeout",
            category: "human",
            sends: "nothing: a person with a real security key",
            expects: "the checklist below holds",
            rationale:
                "WebAuthn §5.1.4.1 and §5.4 (timeout), NIST SP 800-63B §4.1.3: an untouched key times "
                + "out cleanly and the stale ceremony cannot be answered later",
            needs: [.webAuthn]
        )
    ) { _ in
        .human([
            "Start a step-up that asks for the security key and do not touch it: after the page's timeout the "
                + "browser reports it and the page offers to try again, without a crash or a blank page.",
            "Touching the key after the timeout does not complete the old ceremony; a new attempt works.",
            "Removing the key mid-ceremony ends the attempt with a message; no code is issued.",
        ])
    }
}
