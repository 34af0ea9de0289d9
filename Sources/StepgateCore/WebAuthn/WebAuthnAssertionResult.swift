/// What a verified assertion showed, and the credential record to store after it.
public struct WebAuthnAssertionResult: Sendable, Hashable {
    /// What the signature counter says about cloning.
    public enum CounterVerdict: Sendable, Hashable {
        /// The counter went up: no sign of a clone.
        case advanced
        /// Stored and new counters are both 0: the authenticator keeps no counter (common for
        /// passkeys), so cloning cannot be detected this way.
        case notSupported
    }

    /// The record updated as WebAuthn Level 3 §7.2 step 24 says: the new `signCount`,
    /// `isBackedUp`, and `isUserVerified` once UV was seen. Store it.
    public let record: WebAuthnCredential
    /// The signature counter in this assertion.
    public let signCount: UInt32
    /// The counter's verdict; a counter that went back is an error, `counterRegressed`.
    public let counter: CounterVerdict
    /// UP in this assertion (always true: it is required).
    public let isUserPresent: Bool
    /// UV in this assertion.
    public let isUserVerified: Bool
    /// BE in this assertion (always the recorded value: a change is refused).
    public let isBackupEligible: Bool
    /// BS in this assertion: whether the credential is backed up now.
    public let isBackedUp: Bool

    /// The `amr` values (RFC 8176) this assertion proves.
    ///
    /// `hwk` for a device-bound credential (BE not set: the key cannot leave the
    /// authenticator), `swk` for a backup-eligible one (a synced passkey, whose key lives in
    /// software-managed storage). Then `pin` when the user was verified, otherwise `user`
    /// (presence only). The authenticator does not say how it verified the user (PIN,
    /// fingerprint, face), so `pin` stands for any user verification.
    public var authenticationMethods: [AuthenticationMethod] {
        [isBackupEligible ? .swk : .hwk, isUserVerified ? .pin : .user]
    }
}
