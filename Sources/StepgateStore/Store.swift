public import Foundation
public import StepgateCore

/// Everything Stepgate keeps, behind one protocol that SQLite and PostgreSQL satisfy.
///
/// Every method is safe to call from any thread. Every single-use value is consumed by one
/// atomic conditional update: of two racing calls, exactly one wins. Every method that rejects
/// (returns nil or false, or throws `StoreError`) leaves stored state unchanged, unless its
/// documentation says otherwise. Times are compared as whole seconds since 1970.
public protocol Store: Sendable {
    // MARK: Users

    /// Adds a user; throws `StoreError.conflict` if the name is taken.
    func insertUser(_ user: UserRecord) throws
    func user(id: String) throws -> UserRecord?
    func user(name: String) throws -> UserRecord?
    /// Sets the disabled flag; returns false if there is no such user.
    func setUserDisabled(id: String, disabled: Bool) throws -> Bool
    /// Replaces the password hash, and nothing else (a rehash at a higher cost); false if there
    /// is no such user. A change of the password itself goes through `changePassword`.
    func updatePasswordHash(userID: String, passwordHash: String) throws -> Bool
    /// Applies `change` in one transaction: the new hash, every other session of the user deleted,
    /// every unrevoked refresh token of the user revoked with the unexpired access tokens issued
    /// with them, every unredeemed authorization code of the user deleted, and the kept session
    /// (if any) moved to its new ID hash. Returns nil, changing nothing, when the user is
    /// unknown, the stored hash is no longer `expectedHash`, or the kept session is unknown or
    /// another user's.
    func changePassword(_ change: PasswordChange) throws -> PasswordChangeResult?

    // MARK: Factors

    func insertFactor(_ factor: FactorRecord) throws
    func factors(userID: String) throws -> [FactorRecord]
    /// Records `step` as the factor's last used TOTP step, only if it is greater than the one
    /// stored (or none is). Returns false, changing nothing, when the step was already used:
    /// this is the replay guard, and it holds when two requests race.
    func consumeTOTPStep(factorID: String, step: Int64) throws -> Bool
    /// The factor with this ID, or nil.
    func factor(id: String) throws -> FactorRecord?
    /// Removes the user's factor and its open codes; false when the user has none with this ID.
    func deleteFactor(id: String, userID: String) throws -> Bool
    /// Changes the user's factor of kind `from` to kind `to` (`totp_pending` to `totp` once a
    /// first code proves it); false, changing nothing, when there is no such factor.
    func confirmFactor(id: String, userID: String, from: String, to: String) throws -> Bool

    // MARK: WebAuthn

    /// The user's WebAuthn user handle (random, not the user ID); nil when none was set yet.
    func webAuthnUserHandle(userID: String) throws -> [UInt8]?
    /// Sets the handle only while the user has none; false, changing nothing, otherwise.
    func setWebAuthnUserHandle(userID: String, handle: [UInt8]) throws -> Bool
    /// Adds a credential; throws `StoreError.conflict` when its credential ID is registered
    /// already, to this user or another.
    func insertWebAuthnCredential(_ credential: WebAuthnCredentialRecord) throws
    /// The user's credentials, disabled ones included, oldest first.
    func webAuthnCredentials(userID: String) throws -> [WebAuthnCredentialRecord]
    func webAuthnCredential(credentialID: [UInt8]) throws -> WebAuthnCredentialRecord?
    /// Stores the counter and backup state of an accepted assertion, only if the stored counter
    /// is still `previousSignCount` and the credential is enabled; false otherwise. Of two
    /// assertions racing with one counter value, one wins.
    func recordWebAuthnUse(id: String, previousSignCount: Int64, signCount: Int64, backupState: Bool, at: Date)
        throws -> Bool
    /// Disables an enabled credential with a fixed reason code; false otherwise.
    func disableWebAuthnCredential(id: String, reason: String, at: Date) throws -> Bool
    /// Removes the user's credential; false when the user has none with this ID.
    func deleteWebAuthnCredential(id: String, userID: String) throws -> Bool
    func insertWebAuthnCeremony(_ ceremony: WebAuthnCeremonyRecord) throws
    /// Uses up the ceremony, only if it belongs to the session, is unused and unexpired; returns
    /// it, or nil changing nothing. Of two racing calls, one gets the record.
    func consumeWebAuthnCeremony(id: String, sessionIDHash: [UInt8], now: Date) throws -> WebAuthnCeremonyRecord?

    // MARK: One-time codes by SMS and e-mail

    /// Adds a code and closes earlier open codes of the same session and factor, in one
    /// transaction: only the newest code can be answered.
    func insertOneTimeCode(_ code: OneTimeCodeRecord) throws
    /// Codes sent to the factor at or after `since`.
    func oneTimeCodesSent(factorID: String, since: Date) throws -> Int
    /// When the newest code for this session and factor was sent; nil when none was.
    func lastOneTimeCodeSent(sessionIDHash: [UInt8], factorID: String) throws -> Date?
    /// The code of this session and factor that can still be answered at `now` (not used up,
    /// not expired); nil when there is none.
    func openOneTimeCode(sessionIDHash: [UInt8], factorID: String, now: Date) throws -> OneTimeCodeRecord?
    /// Takes an attempt from the open code of the session and factor, and uses the code up if
    /// `codeHash` matches; all in one transaction. `.unavailable` changes nothing.
    func answerOneTimeCode(sessionIDHash: [UInt8], factorID: String, codeHash: [UInt8], maxAttempts: Int, now: Date)
        throws -> OneTimeCodeAnswer

    // MARK: Recovery codes

    /// Replaces all of the user's recovery codes, in one transaction.
    func replaceRecoveryCodes(userID: String, hashes: [[UInt8]], at: Date) throws
    /// Uses up the user's unused code with this hash; false, changing nothing, when none.
    func consumeRecoveryCode(userID: String, hash: [UInt8], now: Date) throws -> Bool
    func recoveryCodeCount(userID: String) throws -> RecoveryCodeCount

    // MARK: Clients

    /// Adds a client; throws `StoreError.conflict` if the ID is taken.
    func insertClient(_ client: ClientRecord) throws
    func client(id: String) throws -> ClientRecord?

    // MARK: Sessions

    func insertSession(_ session: SessionRecord) throws
    /// The session with this ID hash, with its events oldest first; nil if unknown.
    func session(idHash: [UInt8]) throws -> SessionRecord?
    /// Appends an authentication event and binds the session to `userID`.
    /// Returns false if the session does not exist or belongs to another user.
    func recordAuthentication(sessionIDHash: [UInt8], userID: String, event: SessionEventRecord) throws -> Bool
    func touchSession(idHash: [UInt8], lastSeenAt: Date) throws
    /// Moves the session, its events, its flows, challenges, grants, WebAuthn ceremonies and
    /// one-time codes to a new ID hash in one transaction, and sets
    /// its last-seen time; the old ID stops working. Returns false if the old session is unknown.
    /// Called after every successful authentication, so a session ID planted before sign-in is
    /// worthless afterwards.
    func rotateSession(from oldHash: [UInt8], to newHash: [UInt8], lastSeenAt: Date) throws -> Bool
    func deleteSession(idHash: [UInt8]) throws

    // MARK: Flows

    func insertFlow(_ flow: FlowRecord) throws
    func flow(id: String) throws -> FlowRecord?
    /// Sets the flow's user once it is nil or equal; false otherwise.
    func setFlowUser(id: String, userID: String) throws -> Bool
    /// Counts one failed answer, only while the flow is open, unexpired and under `limit`.
    /// Returns the new count, or nil when the flow is closed, expired or already at the limit.
    func recordFlowFailure(id: String, limit: Int, now: Date) throws -> Int?
    /// Sets the flow's attempt count back to zero after a correct answer, so each step of a flow
    /// has its own attempts; only while the flow is open. Returns false otherwise.
    func resetFlowAttempts(id: String) throws -> Bool
    /// Marks the flow completed, only if it is open and unexpired; false otherwise.
    func completeFlow(id: String, now: Date) throws -> Bool
    /// `completeFlow`, only while the flow is still bound to `sessionIDHash`: a request that read
    /// the session before another request rotated it cannot complete the flow on the old one.
    func completeFlow(id: String, sessionIDHash: [UInt8], now: Date) throws -> Bool

    // MARK: Per-account failure budget

    /// Failures counted for `userID` since `since`.
    func failureCount(userID: String, since: Date) throws -> Int
    func recordFailure(userID: String, at: Date) throws
    /// Drops failures older than `before`.
    func pruneFailures(before: Date) throws

    // MARK: Rate limits

    /// Counts one hit for `keyHash` in the fixed window that starts at `windowStart` and ends at
    /// `windowEnd`, and returns the window's count with this hit included.
    ///
    /// One atomic statement: hits racing on any number of threads or nodes are each counted
    /// exactly once, and each sees a distinct count. A window is keyed by its start only, so
    /// every caller of one key must use one window length.
    func countRateLimitHit(keyHash: [UInt8], windowStart: Date, windowEnd: Date) throws -> Int
    /// Drops the counters of windows that ended at or before `now`; returns how many.
    @discardableResult
    func pruneRateLimits(now: Date) throws -> Int

    // MARK: Expired rows

    /// Deletes rows that expired before `cutoff`, at most `limit` from each table per call, and
    /// returns how many it deleted in all; call again until it returns 0.
    ///
    /// Sessions (with their events, flows, challenges, grants, ceremonies and codes), flows,
    /// authorization codes, step-up challenges, transaction grants, WebAuthn ceremonies,
    /// one-time codes, revoked access-token IDs, used transaction tokens and DPoP proofs go by
    /// their own `expires_at`. Refresh tokens go by family, once every token of the family has
    /// expired, so that a rotated token keeps revoking its family while any token of it lives.
    /// Users, factors, clients, keys, audit records, risk history and the outbox are never
    /// deleted here (risk history and the outbox: `pruneHistory`). Each table's batch is its
    /// own statement: other writers interleave.
    @discardableResult
    func pruneExpired(before cutoff: Date, limit: Int) throws -> Int

    /// Deletes risk history and delivered messages that no check reads any more, at most
    /// `limit` rows from each table per call, and returns how many it deleted in all; call
    /// again until it returns 0. What goes is what `horizon` describes.
    @discardableResult
    func pruneHistory(_ horizon: HistoryHorizon, limit: Int) throws -> Int

    // MARK: Authorization codes

    func insertAuthorizationCode(_ code: AuthorizationCodeRecord) throws
    /// The code with this hash in any state (consumed, expired), or nil; nothing is changed.
    /// Callers check the code's fixed bindings before consuming it, and detect replays.
    func authorizationCode(hash: [UInt8]) throws -> AuthorizationCodeRecord?
    /// Consumes the code with this hash, only if unconsumed and unexpired at `now`, and returns
    /// it; nil (changing nothing) otherwise. Of two racing calls, one gets the record.
    func consumeAuthorizationCode(hash: [UInt8], now: Date) throws -> AuthorizationCodeRecord?
    /// Consumes the code as `consumeAuthorizationCode` does and, in the same transaction,
    /// stores `refreshToken` as `insertRefreshToken` does: both or neither. Nil, changing
    /// nothing, when there is no code to consume; a failure to store the token throws and leaves
    /// the code unconsumed.
    func redeemAuthorizationCode(
        hash: [UInt8],
        now: Date,
        refreshToken: RefreshTokenRecord
    ) throws -> AuthorizationCodeRecord?

    // MARK: Refresh tokens

    func insertRefreshToken(_ token: RefreshTokenRecord) throws
    func refreshToken(hash: [UInt8]) throws -> RefreshTokenRecord?
    /// Marks the token used, only if it is unused, unrevoked and unexpired at `now`, and
    /// returns it; nil otherwise.
    func consumeRefreshToken(hash: [UInt8], now: Date) throws -> RefreshTokenRecord?
    /// Consumes the token as `consumeRefreshToken` does and, in the same transaction, stores
    /// `next` (of the same family) as `insertRefreshToken` does: both or neither. Nil, changing
    /// nothing, when there is no token to consume; a failure to store `next` throws and leaves
    /// the token unused.
    func rotateRefreshToken(hash: [UInt8], now: Date, next: RefreshTokenRecord) throws -> RefreshTokenRecord?
    /// Revokes every token of the family, and the unexpired access tokens issued with them
    /// (`RefreshTokenRecord.accessTokenID`); returns how many refresh tokens were newly revoked.
    @discardableResult
    func revokeRefreshFamily(familyID: String, at: Date) throws -> Int

    // MARK: DPoP proofs

    /// Records the single use of a DPoP proof (RFC 9449 §11.1), cluster-wide.
    ///
    /// `jtiHash` is a hash the caller derives from the proof key's thumbprint and the proof's
    /// `jti` (the store never sees the raw values); `expiresAt` is when the proof would be
    /// refused for its age anyway, kept so expired rows can be pruned. Returns true when no
    /// proof with this hash was recorded before, recording it; false, changing nothing, when
    /// one was, whatever its `expiresAt` (an expired row still counts as used until pruned).
    /// One atomic insert-if-absent: of any number of racing calls with one hash, on one node or
    /// many, exactly one returns true.
    func consumeDPoPProof(jtiHash: [UInt8], expiresAt: Date, now: Date) throws -> Bool

    // MARK: Revoked access tokens

    /// Remembers that the access token with `jti` is revoked until it would expire anyway.
    func revokeAccessToken(jti: String, expiresAt: Date) throws
    func isAccessTokenRevoked(jti: String) throws -> Bool

    // MARK: Step-up challenges and transaction grants

    func insertChallenge(_ challenge: ChallengeRecord) throws
    func challenge(id: String) throws -> ChallengeRecord?
    /// Marks the challenge completed, only if it belongs to the session, is open and unexpired;
    /// returns it, or nil changing nothing. Of two racing calls, one gets the record.
    func completeChallenge(id: String, sessionIDHash: [UInt8], now: Date) throws -> ChallengeRecord?
    func insertTransactionGrant(_ grant: TransactionGrantRecord) throws
    /// Consumes one open, unexpired grant of the session for exactly this action and
    /// transaction; false, changing nothing, when there is none. Of two racing calls, one wins.
    func consumeTransactionGrant(sessionIDHash: [UInt8], action: String, transactionHash: String, now: Date) throws
        -> Bool
    /// Records the single use of a transaction-bound access token; false when already used.
    func consumeTokenTransaction(jti: String, expiresAt: Date, now: Date) throws -> Bool

    // MARK: Risk history

    /// The device with this cookie hash for this user, or nil.
    func device(userID: String, deviceIDHash: [UInt8]) throws -> DeviceRecord?
    /// Adds the device, or updates its fingerprint and last-seen time; first-seen never changes.
    func rememberDevice(userID: String, deviceIDHash: [UInt8], fingerprint: String, at: Date) throws
    func riskState(userID: String) throws -> RiskStateRecord?
    /// Replaces the user's risk state (last address, location, countries seen).
    func saveRiskState(_ state: RiskStateRecord) throws
    /// The user's devices, most recently seen first.
    func devices(userID: String) throws -> [DeviceRecord]
    /// Remembers the device until `until` (nil forgets it), setting its label when one is
    /// given; false when the user has no such device.
    func setDeviceRemembered(userID: String, deviceIDHash: [UInt8], until: Date?, label: String?) throws -> Bool
    /// Remembers one allowed high-risk action, for velocity and amount history.
    func recordAction(_ action: ActionRecord) throws
    /// The user's actions at or after `since`, newest first, at most `limit`; of one action
    /// only when `action` is given.
    func actions(userID: String, action: String?, since: Date, limit: Int) throws -> [ActionRecord]

    // MARK: Signing keys

    /// Adds a key as it is given (current or retired).
    func insertSigningKey(_ key: SigningKeyRecord) throws
    /// Adds `key` and retires every other key not yet retired, atomically and in order with
    /// other rotations and first keys.
    func rotateSigningKey(to key: SigningKeyRecord) throws
    /// Adds `key` only when there is no key at all (true); false, adding nothing, otherwise.
    func insertFirstSigningKey(_ key: SigningKeyRecord) throws -> Bool
    /// All keys, newest first.
    func signingKeys() throws -> [SigningKeyRecord]
    /// Retires every key but `kid` that is not yet retired.
    func retireSigningKeys(except kid: String, at: Date) throws

    // MARK: Audit log

    /// Appends `records` to the audit chain in one transaction, all or none.
    ///
    /// The first record must continue the stored last record (its number plus one, naming its
    /// hash; for an empty log, number 1 naming `AuditChain.genesis`), each next record the one
    /// before it, and every hash must match its record. Otherwise throws
    /// `StoreError(.conflict)` and stores nothing: two writers can never fork the chain, and
    /// the loser reads the new last record and links again. Nothing updates or deletes records.
    func appendAudit(_ records: [AuditRecord]) throws
    /// Up to `limit` records numbered above `after`, ascending.
    ///
    /// A stored row that cannot be read throws `StoreError(.corrupt)` with `auditSequence` set.
    func auditRecords(after: Int64, limit: Int) throws -> [AuditRecord]
    /// The last `count` records, ascending.
    func lastAuditRecords(count: Int) throws -> [AuditRecord]
    /// The record with the highest number, or nil when the log is empty.
    func lastAuditRecord() throws -> AuditRecord?

    // MARK: Outbox

    /// Adds a pending message; throws `StoreError(.conflict)` if the ID is taken.
    func insertOutboxMessage(_ message: OutboxRecord) throws
    /// The message with this ID in any state, or nil; nothing is changed.
    func outboxMessage(id: String) throws -> OutboxRecord?
    /// Leases up to `limit` due messages to one worker, earliest due first, and returns them.
    ///
    /// A message is due when it is pending, `nextAttemptAt <= now`, and it has no lease or its
    /// lease ended (`leaseUntil <= now`). Each claimed message gets `leaseToken` and
    /// `leaseUntil`, in one atomic update: two workers (or two nodes) racing never claim the
    /// same message while its lease holds. A non-positive `limit` claims nothing.
    func claimOutboxMessages(limit: Int, now: Date, leaseToken: String, leaseUntil: Date) throws -> [OutboxRecord]
    /// Marks the message sent at `at`, erases its payload and releases the lease, only if it is
    /// pending and leased with `leaseToken` (an ended lease still counts until another worker
    /// claims the message). Returns false, changing nothing, otherwise.
    func markOutboxSent(id: String, leaseToken: String, at: Date) throws -> Bool
    /// Records one failed attempt: `attempts` plus one, `error` as `lastError`, the next attempt
    /// at `nextAttemptAt`, lease released; only if pending and leased with `leaseToken`.
    /// Returns false, changing nothing, otherwise.
    func rescheduleOutboxMessage(id: String, leaseToken: String, nextAttemptAt: Date, error: String) throws -> Bool
    /// Records the last failed attempt: `attempts` plus one, `error` as `lastError`, state
    /// `failed`, payload erased, lease released; only if pending and leased with `leaseToken`.
    /// Returns false, changing nothing, otherwise.
    func markOutboxFailed(id: String, leaseToken: String, error: String) throws -> Bool
    /// How many messages are in each state.
    func outboxCounts() throws -> OutboxCounts

    // MARK: Decision snapshot

    /// What one decision reads, in one read transaction: the session with its events, the
    /// subject's user, and, when `query.history` is given, the subject's device, risk state,
    /// failure count, recent actions and amount history.
    ///
    /// Every field equals what the per-call method (`session(idHash:)`, `user(id:)`,
    /// `device(userID:deviceIDHash:)`, `riskState(userID:)`, `failureCount(userID:since:)`,
    /// `actions(userID:action:since:limit:)`) returns for the same arguments, all from one
    /// consistent view: a logout, a disabled user or a consumed grant committed before the call
    /// is seen. Nothing is cached between calls and nothing is written.
    func decisionSnapshot(_ query: DecisionSnapshotQuery) throws -> DecisionSnapshot

    // MARK: Lifetime

    /// Releases the store's connections: idle ones now, lent ones as they come back. Later
    /// calls throw `StoreError(.unavailable)`; closing twice is harmless.
    func close()
}

/// A store failure. `code` says what kind; the message is for logs and carries no secret.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        /// A unique key already exists.
        case conflict
        /// The database could not be opened, read or written, or its server cannot be reached
        /// (down, restarting, refusing connections). Servers answer 503, never 4xx.
        case unavailable
        /// The schema is newer than this program, or a migration failed.
        case migration
        /// A stored value could not be decoded.
        case corrupt
    }

    public let code: Code
    /// Internal detail for logs: never a stored value, never a secret.
    public let detail: String
    /// The underlying engine's error code, such as SQLite's extended result code.
    public let engineCode: Int32?
    /// The number of the audit record that could not be read, for `.corrupt` audit reads.
    public let auditSequence: Int64?

    public init(_ code: Code, _ detail: String, engineCode: Int32? = nil, auditSequence: Int64? = nil) {
        self.code = code
        self.detail = detail
        self.engineCode = engineCode
        self.auditSequence = auditSequence
    }

    public var description: String {
        "StoreError(\(code.rawValue): \(detail)\(engineCode.map { ", engine code \($0)" } ?? ""))"
    }
}
