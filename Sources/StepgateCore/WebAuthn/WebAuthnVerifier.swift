import StepgateCrypto

/// Verifies WebAuthn registrations and assertions for one relying party (W3C WebAuthn Level 3
/// §7.1 and §7.2), with no I/O: the caller looks records up, consumes challenges and stores
/// the results.
///
/// Each check cites its step. Every refusal is a `WebAuthnError` with its own code; show users
/// only `WebAuthnError.publicMessage`.
public struct WebAuthnVerifier: Sendable {
    /// The relying party ceremonies are checked for.
    public let relyingParty: WebAuthnRelyingParty

    /// A verifier for `relyingParty`.
    public init(relyingParty: WebAuthnRelyingParty) {
        self.relyingParty = relyingParty
    }

    /// Reads `json` and checks it against the ceremony: §7.1 steps 5-10, §7.2 steps 8-13.
    func checkClientData(
        _ json: [UInt8],
        type: CollectedClientData.CeremonyType,
        challenge: [UInt8]
    ) throws(WebAuthnError) -> CollectedClientData {
        // §7.1 steps 5-6, §7.2 steps 8-9: UTF-8 decode and parse.
        let clientData = try CollectedClientData(json: json)
        // §7.1 step 7, §7.2 step 10: the type names this ceremony.
        guard clientData.type == type else {
            throw WebAuthnError(.wrongType, "client data type is not \(type)")
        }
        // §7.1 step 8, §7.2 step 11: the challenge is the one issued, compared in constant time.
        guard !challenge.isEmpty, constantTimeEquals(clientData.challenge, challenge) else {
            throw WebAuthnError(.challengeMismatch, "client data challenge differs from the one issued")
        }
        // §7.1 step 9, §7.2 step 12: the origin is one the relying party expects.
        guard relyingParty.origins.contains(clientData.origin) else {
            throw WebAuthnError(.originMismatch, "client data origin not allowed")
        }
        // §7.1 step 10, §7.2 step 13: Stepgate's pages are never framed cross-origin, so a
        // topOrigin (or crossOrigin true) is never expected.
        guard !clientData.crossOrigin, clientData.topOrigin == nil else {
            throw WebAuthnError(.crossOrigin, "ceremony ran in a cross-origin frame")
        }
        return clientData
    }

    /// Checks the RP ID hash and the UP and UV flags: §7.1 steps 13-15, §7.2 steps 14-16.
    func checkFlags(
        of authenticatorData: AuthenticatorData,
        requiresUserVerification: Bool
    ) throws(WebAuthnError) {
        // §7.1 step 13, §7.2 step 14: the credential is scoped to this RP ID.
        guard constantTimeEquals(authenticatorData.rpIDHash, relyingParty.idHash) else {
            throw WebAuthnError(.rpIDHashMismatch, "authenticator data rpIdHash is not this RP ID's")
        }
        // §7.1 step 14, §7.2 step 15: the user was present.
        guard authenticatorData.isUserPresent else {
            throw WebAuthnError(.userNotPresent, "UP flag not set")
        }
        // §7.1 step 15, §7.2 step 16: the user was verified, when that is required.
        guard !requiresUserVerification || authenticatorData.isUserVerified else {
            throw WebAuthnError(.userNotVerified, "UV flag not set and user verification required")
        }
        // §7.1 step 16, §7.2 step 17 (BS only with BE) is checked by AuthenticatorData.
    }
}
