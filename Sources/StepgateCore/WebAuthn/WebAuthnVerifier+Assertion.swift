import StepgateCrypto

extension WebAuthnVerifier {
    /// Verifies an assertion (WebAuthn Level 3 §7.2) against the stored `record` of the
    /// credential it names.
    ///
    /// The caller finds `record` by `assertion.credentialID` among the credentials of the
    /// account being authenticated (§7.2 steps 5-6: the credential belongs to the user), and
    /// consumes the challenge (once, unexpired). On success it stores `result.record`. Throws
    /// `WebAuthnError`, one code per failed check; `counterRegressed` comes only after the
    /// signature verified, so the caller can record a likely clone.
    public func verifyAssertion(
        _ assertion: WebAuthnAssertion,
        of record: WebAuthnCredential
    ) throws(WebAuthnError) -> WebAuthnAssertionResult {
        // §7.2 step 6: the record is the credential's, and a user handle names its owner.
        guard assertion.credentialID == record.id else {
            throw WebAuthnError(.credentialMismatch, "assertion credential ID differs from the record's")
        }
        if let userHandle = assertion.userHandle, userHandle != record.userHandle {
            throw WebAuthnError(.userHandleMismatch, "assertion user handle is not the credential owner's")
        }
        // §7.2 steps 8-13.
        _ = try checkClientData(assertion.clientDataJSON, type: .get, challenge: assertion.challenge)
        // §7.2 step 7 (and step 17: BS only with BE).
        let authenticatorData = try AuthenticatorData(bytes: assertion.authenticatorData)

        // §7.2 steps 14-16.
        try checkFlags(of: authenticatorData, requiresUserVerification: assertion.requiresUserVerification)
        // §7.2 step 18: BE never changes after registration; BS may.
        guard authenticatorData.isBackupEligible == record.isBackupEligible else {
            throw WebAuthnError(.backupEligibilityChanged, "BE flag differs from the recorded one")
        }
        // Known gap: WebAuthn §7.2 step 19 (extensions) is not checked; extension outputs are
        // ignored, as Stepgate requests none.

        // §7.2 steps 20-21: sig is valid over authData || SHA-256(clientDataJSON).
        let publicKey: COSEPublicKey
        do {
            publicKey = try COSEPublicKey(cbor: record.publicKey)
        } catch {
            throw WebAuthnError(.unsupportedAlgorithm, "stored public key refused (\(error.code))")
        }
        let signed = assertion.authenticatorData + Digest.sha256(assertion.clientDataJSON)
        guard publicKey.isValidSignature(assertion.signature, for: signed) else {
            throw WebAuthnError(.badSignature, "assertion signature does not verify")
        }
        // §7.2 step 22: when either counter is non-zero, the new one must be greater.
        let newCount = authenticatorData.signCount
        let counter: WebAuthnAssertionResult.CounterVerdict =
            newCount == 0 && record.signCount == 0 ? .notSupported : .advanced
        guard counter == .notSupported || newCount > record.signCount else {
            throw WebAuthnError(.counterRegressed, "sign count \(newCount) not above stored \(record.signCount)")
        }

        // §7.2 step 24: the updated record.
        var updated = record
        updated.signCount = newCount
        updated.isBackedUp = authenticatorData.isBackedUp
        updated.isUserVerified = record.isUserVerified || authenticatorData.isUserVerified
        return WebAuthnAssertionResult(
            record: updated,
            signCount: newCount,
            counter: counter,
            isUserPresent: authenticatorData.isUserPresent,
            isUserVerified: authenticatorData.isUserVerified,
            isBackupEligible: authenticatorData.isBackupEligible,
            isBackedUp: authenticatorData.isBackedUp
        )
    }
}
