import StepgateCore
// Public: the initializer takes a `RandomSource` for the credential ID.
public import StepgateCrypto
import StepgateTestSupport
import Synchronization

/// One user's software authenticator (ES256, `StepgateTestSupport.SoftAuthenticator`): a
/// device-bound credential that verifies its user, with a counter that rises on every use.
///
/// The credential ID is random, so runs never collide with a credential registered before.
public final class WebAuthnAnswerer: Sendable {
    /// What `navigator.credentials.create()` would return, ready to post.
    public struct Registration: Sendable {
        public let credentialID: [UInt8]
        public let clientDataJSON: [UInt8]
        public let attestationObject: [UInt8]
    }

    /// What `navigator.credentials.get()` would return, ready to post.
    public struct Assertion: Sendable {
        public let credentialID: [UInt8]
        public let clientDataJSON: [UInt8]
        public let authenticatorData: [UInt8]
        public let signature: [UInt8]
        public let userHandle: [UInt8]?
    }

    private struct State {
        var authenticator: SoftAuthenticator
        var signCount: UInt32 = 0
        var userHandle: [UInt8]?
        var registered = false
    }

    /// The origin client data names: the page's origin (`scheme://host[:port]`).
    public let origin: String
    private let state: Mutex<State>
    /// Held while one assertion is made and delivered (`oneAtATime`).
    private let ceremony = FaultLocked(())

    /// A new authenticator for pages on `origin`.
    public init(origin: String, random: any RandomSource) throws(ProbeError) {
        var authenticator: SoftAuthenticator
        do {
            authenticator = try SoftAuthenticator(.es256)
        } catch {
            throw ProbeError(.webAuthn, "could not make an ES256 key")
        }
        authenticator.credentialID = random.bytes(32)
        self.origin = origin
        self.state = Mutex(State(authenticator: authenticator))
    }

    /// Whether the target accepted this authenticator's registration.
    public var isRegistered: Bool { state.withLock { $0.registered } }

    /// The credential ID (raw bytes).
    public var credentialID: [UInt8] { state.withLock { $0.authenticator.credentialID } }

    /// Runs `body` (make an assertion and send it) while no other thread does the same with
    /// this authenticator.
    ///
    /// Its counter rises with every assertion, and a verifier refuses a counter that does not
    /// go up (WebAuthn §7.2 step 22, a cloned authenticator). Assertions made together and
    /// delivered out of order would be refused as clones, so a device, like a real one,
    /// answers one ceremony at a time; under load this serialises only that one exchange.
    public func oneAtATime<Value>(_ body: () throws(ProbeError) -> Value) throws(ProbeError) -> Value {
        try ceremony.withLock { (_: inout Void) throws(ProbeError) in try body() }
    }

    /// Records that the target accepted the registration.
    public func markRegistered() {
        state.withLock { $0.registered = true }
    }

    /// A registration (attestation `none`, user present and verified) for `challenge` on
    /// `relyingPartyID`, for the user with `userHandle`.
    public func register(challenge: [UInt8], relyingPartyID: String, userHandle: [UInt8])
        throws(ProbeError)
        -> Registration
    {
        let origin = self.origin
        let result: Result<Registration, ProbeError> = state.withLock { state in
            var ceremony = SoftAuthenticator.Ceremony()
            ceremony.challenge = challenge
            ceremony.rpID = relyingPartyID
            ceremony.origin = origin
            ceremony.userHandle = userHandle
            guard let made = try? state.authenticator.registration(ceremony) else {
                return .failure(ProbeError(.webAuthn, "could not build the registration"))
            }
            state.userHandle = userHandle
            return .success(
                Registration(
                    credentialID: state.authenticator.credentialID,
                    clientDataJSON: made.clientDataJSON,
                    attestationObject: made.attestationObject
                )
            )
        }
        return try result.get()
    }

    /// The highest signature counter sent so far (0 before the first assertion).
    public var signCount: UInt32 { state.withLock { $0.signCount } }

    /// An assertion for `challenge` on `relyingPartyID`, the counter one higher than before,
    /// or departing from a correct one as `options` say.
    ///
    /// - Throws: `ProbeError.webAuthn` when `allowCredentials` is not empty and does not name
    ///   this credential (the target does not know it).
    public func assert(
        challenge: [UInt8],
        relyingPartyID: String,
        allowCredentials: [[UInt8]],
        options: WebAuthnAssertionOptions = WebAuthnAssertionOptions()
    )
        throws(ProbeError)
        -> Assertion
    {
        let origin = self.origin
        let result: Result<Assertion, ProbeError> = state.withLock { state in
            let id = state.authenticator.credentialID
            guard allowCredentials.isEmpty || allowCredentials.contains(id) else {
                return .failure(ProbeError(.webAuthn, "the target does not offer this credential"))
            }
            let count = options.signCount ?? state.signCount + 1
            state.signCount = max(state.signCount, count)
            var ceremony = SoftAuthenticator.Ceremony()
            ceremony.challenge = options.challenge ?? challenge
            ceremony.rpID = relyingPartyID
            ceremony.origin = options.origin ?? origin
            ceremony.type = options.type
            ceremony.signCount = count
            ceremony.userHandle = state.userHandle
            if !options.userVerified { ceremony.flags.remove(.userVerified) }
            guard let made = try? state.authenticator.assertion(ceremony) else {
                return .failure(ProbeError(.webAuthn, "could not sign the assertion"))
            }
            return .success(
                Assertion(
                    credentialID: id,
                    clientDataJSON: made.clientDataJSON,
                    authenticatorData: made.authenticatorData,
                    signature: made.signature,
                    userHandle: made.userHandle
                )
            )
        }
        return try result.get()
    }
}
