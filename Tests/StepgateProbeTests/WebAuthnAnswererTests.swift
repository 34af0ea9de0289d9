import Foundation
import StepgateCore
import StepgateCrypto
import StepgateProbe
import Testing

/// The software authenticator's departures from a correct assertion (`WebAuthnAssertionOptions`).
@Suite struct WebAuthnAnswererTests {
    static let origin = "https://stepgate.example"
    static let challenge = Array(UInt8(0)..<32)

    private func assertion(_ answerer: WebAuthnAnswerer, _ options: WebAuthnAssertionOptions = .init()) throws
        -> (client: JSONValue, data: AuthenticatorData)
    {
        let made = try answerer.assert(
            challenge: Self.challenge,
            relyingPartyID: "stepgate.example",
            allowCredentials: [],
            options: options
        )
        return (try JSONValue.parse(made.clientDataJSON), try AuthenticatorData(bytes: made.authenticatorData))
    }

    @Test func honestAssertion_namesThePage_andRaisesTheCounter() throws {
        let answerer = try WebAuthnAnswerer(origin: Self.origin, random: SystemRandom())
        let first = try assertion(answerer)
        let second = try assertion(answerer)
        #expect(WebAuthnAssertionOptions().isHonest)
        #expect(first.client["origin"]?.stringValue == Self.origin)
        #expect(first.client["type"]?.stringValue == "webauthn.get")
        #expect(first.client["challenge"]?.stringValue == Base64URL.encode(Self.challenge))
        #expect(first.data.isUserVerified && first.data.isUserPresent)
        #expect((first.data.signCount, second.data.signCount) == (1, 2))
    }

    @Test func options_changeOriginTypeAndChallenge() throws {
        let answerer = try WebAuthnAnswerer(origin: Self.origin, random: SystemRandom())
        var options = WebAuthnAssertionOptions()
        options.origin = "https://attacker.example"
        options.type = "webauthn.create"
        options.challenge = [1, 2, 3]
        let made = try assertion(answerer, options)
        #expect(!options.isHonest)
        #expect(made.client["origin"]?.stringValue == "https://attacker.example")
        #expect(made.client["type"]?.stringValue == "webauthn.create")
        #expect(made.client["challenge"]?.stringValue == Base64URL.encode([1, 2, 3]))
    }

    @Test func userVerifiedOff_clearsOnlyUV() throws {
        let answerer = try WebAuthnAnswerer(origin: Self.origin, random: SystemRandom())
        var options = WebAuthnAssertionOptions()
        options.userVerified = false
        let made = try assertion(answerer, options)
        #expect(!made.data.isUserVerified)
        #expect(made.data.isUserPresent)
    }

    @Test func givenCounter_isSent_andTheOwnCounterNeverGoesDown() throws {
        let answerer = try WebAuthnAnswerer(origin: Self.origin, random: SystemRandom())
        var high = WebAuthnAssertionOptions()
        high.signCount = 7
        #expect(try assertion(answerer, high).data.signCount == 7)
        var low = WebAuthnAssertionOptions()
        low.signCount = 3
        #expect(try assertion(answerer, low).data.signCount == 3)
        #expect(answerer.signCount == 7)
        #expect(try assertion(answerer).data.signCount == 8)
    }
}
