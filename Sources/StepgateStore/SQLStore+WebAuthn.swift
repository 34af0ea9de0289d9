import Foundation

// WebAuthn: the user handle, registered credentials, and ceremonies in progress.
extension SQLStore {
    // MARK: User handles

    /// The user's WebAuthn user handle, or nil when none was set (or there is no such user).
    public func webAuthnUserHandle(userID: String) throws -> [UInt8]? {
        try withConnection { connection in
            try connection.queryFirst(
                "SELECT webauthn_user_handle FROM users WHERE id = ?1 AND webauthn_user_handle IS NOT NULL",
                [.text(userID)]
            ) { try $0.blob(0) }
        }
    }

    /// Sets the user's handle only while it has none; false, changing nothing, otherwise.
    public func setWebAuthnUserHandle(userID: String, handle: [UInt8]) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                "UPDATE users SET webauthn_user_handle = ?2 WHERE id = ?1 AND webauthn_user_handle IS NULL",
                [.text(userID), .blob(handle)]
            ) == 1
        }
    }

    // MARK: Credentials

    /// Adds a credential; throws `StoreError(.conflict)` when its credential ID is registered
    /// already (to anyone) or the user is unknown.
    public func insertWebAuthnCredential(_ credential: WebAuthnCredentialRecord) throws {
        let transports = try StoreCoding.jsonArray(credential.transports)
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO webauthn_credentials (id, user_id, credential_id, public_key, algorithm, sign_count,
                    aaguid, backup_eligible, backup_state, user_verifying, transports, attestation_format,
                    attestation_type, kind, label, created_at, last_used_at, disabled_at, disabled_reason)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
                """,
                [
                    .text(credential.id), .text(credential.userID), .blob(credential.credentialID),
                    .blob(credential.publicKey), .integer(credential.algorithm), .integer(credential.signCount),
                    .blob(credential.aaguid), .bool(credential.backupEligible), .bool(credential.backupState),
                    .bool(credential.userVerifying), .text(transports), .text(credential.attestationFormat),
                    .text(credential.attestationType), .text(credential.kind), .text(credential.label),
                    .date(credential.createdAt), .date(credential.lastUsedAt), .date(credential.disabledAt),
                    .text(credential.disabledReason),
                ]
            )
        }
    }

    /// The user's credentials, disabled ones included, oldest first.
    public func webAuthnCredentials(userID: String) throws -> [WebAuthnCredentialRecord] {
        try withConnection { connection in
            try connection.query(
                "SELECT \(StoreSQL.credentialColumns) FROM webauthn_credentials WHERE user_id = ?1 ORDER BY created_at, id",
                [.text(userID)],
                Self.credentialRecord
            )
        }
    }

    /// The credential with this authenticator credential ID, or nil.
    public func webAuthnCredential(credentialID: [UInt8]) throws -> WebAuthnCredentialRecord? {
        try withConnection { connection in
            try connection.queryFirst(
                "SELECT \(StoreSQL.credentialColumns) FROM webauthn_credentials WHERE credential_id = ?1",
                [.blob(credentialID)],
                Self.credentialRecord
            )
        }
    }

    /// Records an accepted assertion: the new counter and backup state, only if the stored
    /// counter is still `previousSignCount` and the credential is enabled. Of two assertions
    /// racing with one counter value, one wins; the other gets false and changes nothing.
    public func recordWebAuthnUse(
        id: String,
        previousSignCount: Int64,
        signCount: Int64,
        backupState: Bool,
        at: Date
    ) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                UPDATE webauthn_credentials SET sign_count = ?3, backup_state = ?4, last_used_at = ?5
                WHERE id = ?1 AND sign_count = ?2 AND disabled_at IS NULL
                """,
                [.text(id), .integer(previousSignCount), .integer(signCount), .bool(backupState), .date(at)]
            ) == 1
        }
    }

    /// Disables an enabled credential with a fixed reason code; false when it is unknown or
    /// disabled already.
    public func disableWebAuthnCredential(id: String, reason: String, at: Date) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                UPDATE webauthn_credentials SET disabled_at = ?3, disabled_reason = ?2
                WHERE id = ?1 AND disabled_at IS NULL
                """,
                [.text(id), .text(reason), .date(at)]
            ) == 1
        }
    }

    /// Removes the user's credential; false when the user has no credential with this ID.
    public func deleteWebAuthnCredential(id: String, userID: String) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                "DELETE FROM webauthn_credentials WHERE id = ?1 AND user_id = ?2",
                [.text(id), .text(userID)]
            ) == 1
        }
    }

    // MARK: Ceremonies

    /// Adds a ceremony; throws `StoreError(.conflict)` if the ID is taken or its session unknown.
    public func insertWebAuthnCeremony(_ ceremony: WebAuthnCeremonyRecord) throws {
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO webauthn_ceremonies (id, session_id_hash, user_id, purpose, challenge_hash, flow_id,
                    transaction_hash, user_verification_required, created_at, expires_at, consumed_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                """,
                [
                    .text(ceremony.id), .blob(ceremony.sessionIDHash), .text(ceremony.userID),
                    .text(ceremony.purpose.rawValue), .blob(ceremony.challengeHash), .text(ceremony.flowID),
                    .text(ceremony.transactionHash), .bool(ceremony.userVerificationRequired),
                    .date(ceremony.createdAt), .date(ceremony.expiresAt), .date(ceremony.consumedAt),
                ]
            )
        }
    }

    /// Uses up the ceremony, only if it belongs to the session, is unused and unexpired at
    /// `now`; returns it, or nil changing nothing. Of two racing calls, one gets the record.
    public func consumeWebAuthnCeremony(id: String, sessionIDHash: [UInt8], now: Date) throws
        -> WebAuthnCeremonyRecord?
    {
        try withConnection { connection in
            try connection.queryFirst(
                """
                UPDATE webauthn_ceremonies SET consumed_at = ?3
                WHERE id = ?1 AND session_id_hash = ?2 AND consumed_at IS NULL AND expires_at > ?3
                RETURNING id, session_id_hash, user_id, purpose, challenge_hash, flow_id, transaction_hash,
                    user_verification_required, created_at, expires_at, consumed_at
                """,
                [.text(id), .blob(sessionIDHash), .date(now)]
            ) { row in
                guard let purpose = WebAuthnCeremonyRecord.Purpose(rawValue: try row.text(3)) else {
                    throw StoreError(.corrupt, "webauthn_ceremonies.purpose has an unknown value")
                }
                return WebAuthnCeremonyRecord(
                    id: try row.text(0),
                    sessionIDHash: try row.blob(1),
                    userID: try row.text(2),
                    purpose: purpose,
                    challengeHash: try row.blob(4),
                    flowID: try row.textOrNil(5),
                    transactionHash: try row.textOrNil(6),
                    userVerificationRequired: try row.bool(7),
                    createdAt: try row.date(8),
                    expiresAt: try row.date(9),
                    consumedAt: try row.dateOrNil(10)
                )
            }
        }
    }

    private static func credentialRecord(_ row: Connection.Row) throws -> WebAuthnCredentialRecord {
        WebAuthnCredentialRecord(
            id: try row.text(0),
            userID: try row.text(1),
            credentialID: try row.blob(2),
            publicKey: try row.blob(3),
            algorithm: try row.int64(4),
            signCount: try row.int64(5),
            aaguid: try row.blob(6),
            backupEligible: try row.bool(7),
            backupState: try row.bool(8),
            userVerifying: try row.bool(9),
            transports: try row.strings(10),
            attestationFormat: try row.text(11),
            attestationType: try row.text(12),
            kind: try row.text(13),
            label: try row.text(14),
            createdAt: try row.date(15),
            lastUsedAt: try row.dateOrNil(16),
            disabledAt: try row.dateOrNil(17),
            disabledReason: try row.textOrNil(18)
        )
    }
}
