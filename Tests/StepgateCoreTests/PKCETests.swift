import Testing

@testable import StepgateCore

@Suite struct PKCETests {
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    @Test func challenge_matchesRFC7636AppendixB() {
        #expect(PKCE.challenge(for: Self.verifier) == Self.challenge)
    }

    @Test func verify_acceptsRFC7636AppendixB() {
        #expect(PKCE.verify(verifier: Self.verifier, challenge: Self.challenge))
    }

    @Test func verify_rejectsOtherVerifier() {
        let other = String(Self.verifier.dropLast()) + "Y"
        #expect(!PKCE.verify(verifier: other, challenge: Self.challenge))
    }

    @Test func verify_rejectsPlainMethod() {
        #expect(!PKCE.verify(verifier: Self.verifier, challenge: Self.verifier))
    }

    @Test(arguments: [
        String(repeating: "a", count: 43), String(repeating: "Z", count: 128),
        "abcdefghijklmnopqrstuvwxyz-._~ABCDEFGHIJKLMNOP",
    ])
    func isValidVerifier_acceptsUnreservedCharacters(verifier: String) {
        #expect(PKCE.isValidVerifier(verifier))
    }

    @Test(arguments: [
        "", String(repeating: "a", count: 42), String(repeating: "a", count: 129),
        String(repeating: "a", count: 42) + "+", String(repeating: "a", count: 42) + " ",
        String(repeating: "a", count: 42) + "=", String(repeating: "a", count: 41) + "é",
    ])
    func isValidVerifier_rejectsBadVerifier(verifier: String) {
        #expect(!PKCE.isValidVerifier(verifier))
        #expect(!PKCE.verify(verifier: verifier, challenge: PKCE.challenge(for: verifier)))
    }

    @Test(arguments: [
        "", String(Self.challenge.dropLast()), Self.challenge + "A", Self.challenge + "=",
        String(Self.challenge.dropLast()) + "+", String(Self.challenge.dropLast()) + "/",
        String(Self.challenge.dropLast()) + "N",
    ])
    func isValidChallenge_rejectsBadChallenge(challenge: String) {
        #expect(!PKCE.isValidChallenge(challenge))
    }

    @Test func isValidChallenge_acceptsS256Output() {
        #expect(PKCE.isValidChallenge(Self.challenge))
    }
}
