import StepgateCrypto

extension WebAuthnVerifier {
    /// Verifies a registration (WebAuthn Level 3 §7.1) and returns the record to store.
    ///
    /// Before storing, the caller must consume the challenge (once, unexpired) and check that
    /// the credential ID is not registered yet (§7.1 step 26). Throws `WebAuthnError`, one
    /// code per failed check; see `WebAuthnError.Code`.
    public func verifyRegistration(_ registration: WebAuthnRegistration) throws(WebAuthnError)
        -> WebAuthnCredential
    {
        // §7.1 steps 5-10.
        _ = try checkClientData(registration.clientDataJSON, type: .create, challenge: registration.challenge)
        // §7.1 step 11.
        let clientDataHash = Digest.sha256(registration.clientDataJSON)
        // §7.1 step 12 (and step 16: BS only with BE; step 25: credential ID length).
        let attestation = try AttestationObject(bytes: registration.attestationObject)
        let authenticatorData = attestation.authenticatorData
        guard let credential = authenticatorData.attestedCredentialData else {
            throw WebAuthnError(.malformed, "registration without attested credential data")
        }

        // §7.1 steps 13-15.
        try checkFlags(of: authenticatorData, requiresUserVerification: registration.requiresUserVerification)
        // §7.1 steps 17-18: BE and BS are recorded below for policy (a policy may refuse
        // synced passkeys), not judged here.
        // §7.1 step 19: the key's algorithm is one the relying party offered.
        guard registration.allowedAlgorithms.contains(credential.publicKey.algorithm) else {
            throw WebAuthnError(
                .unsupportedAlgorithm,
                "credential algorithm \(credential.publicKey.algorithm) not offered"
            )
        }
        // Known gap: WebAuthn §7.1 step 20 (extensions) is not checked; extension outputs are
        // ignored, as Stepgate requests none.
        // §7.1 steps 21-22: the attestation statement verifies by its format's procedure.
        let attestationType = try attestation.verifiedType(clientDataHash: clientDataHash)
        // §7.1 steps 23-24: see the known gap in `verifiedType` (no trust anchors).

        // §7.1 step 27: the new credential record.
        return WebAuthnCredential(
            id: credential.credentialID,
            userHandle: registration.userHandle,
            publicKey: credential.publicKey.encoded,
            signCount: authenticatorData.signCount,
            aaguid: credential.aaguid,
            isBackupEligible: authenticatorData.isBackupEligible,
            isBackedUp: authenticatorData.isBackedUp,
            isUserVerified: authenticatorData.isUserVerified,
            attestationFormat: attestation.format,
            attestationType: attestationType,
            transports: registration.transports
        )
    }
}
