import Foundation

// One-time codes by SMS and e-mail, recovery codes, factor removal, and remembered devices.
extension SQLStore {
    // MARK: Factors

    /// The factor with this ID, or nil.
    public func factor(id: String) throws -> FactorRecord? {
        try withConnection { connection in
            try connection.queryFirst(
                """
                SELECT id, user_id, kind, sealed_secret, last_used_step, created_at, label FROM factors
                WHERE id = ?1
                """,
                [.text(id)],
                Self.factorRecord
            )
        }
    }

    /// Removes the user's factor (its open codes go with it); false when the user has none with
    /// this ID.
    public func deleteFactor(id: String, userID: String) throws -> Bool {
        try withConnection { connection in
            try connection.run("DELETE FROM factors WHERE id = ?1 AND user_id = ?2", [.text(id), .text(userID)]) == 1
        }
    }

    /// Changes the user's factor from kind `from` to `to` (a pending factor becomes a confirmed
    /// one); false, changing nothing, when the user has no factor of that ID and kind.
    public func confirmFactor(id: String, userID: String, from: String, to: String) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                "UPDATE factors SET kind = ?4 WHERE id = ?1 AND user_id = ?2 AND kind = ?3",
                [.text(id), .text(userID), .text(from), .text(to)]
            ) == 1
        }
    }

    static func factorRecord(_ row: Connection.Row) throws -> FactorRecord {
        FactorRecord(
            id: try row.text(0),
            userID: try row.text(1),
            kind: try row.text(2),
            sealedSecret: try row.blob(3),
            lastUsedStep: try row.int64OrNil(4),
            createdAt: try row.date(5),
            label: try row.textOrNil(6)
        )
    }

    // MARK: One-time codes

    /// Adds a code, and in the same transaction closes every earlier open code of the same
    /// session and factor: only the newest code sent can be answered. Throws
    /// `StoreError(.conflict)` if the ID is taken or the session or factor is unknown.
    public func insertOneTimeCode(_ code: OneTimeCodeRecord) throws {
        try withConnection { connection in
            try connection.writeTransaction {
                // Lock the session first, so that two codes sent at once are added one after the
                // other and the later one closes the earlier.
                _ = try Self.lockRows(
                    "SELECT 1 FROM sessions WHERE id_hash = ?1",
                    [.blob(code.sessionIDHash)],
                    on: connection
                )
                try connection.run(
                    """
                    UPDATE one_time_codes SET consumed_at = ?3
                    WHERE session_id_hash = ?1 AND factor_id = ?2 AND consumed_at IS NULL
                    """,
                    [.blob(code.sessionIDHash), .text(code.factorID), .date(code.createdAt)]
                )
                try connection.run(
                    """
                    INSERT INTO one_time_codes (id, user_id, factor_id, session_id_hash, flow_id, code_hash, attempts,
                        created_at, expires_at, consumed_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                    """,
                    [
                        .text(code.id), .text(code.userID), .text(code.factorID), .blob(code.sessionIDHash),
                        .text(code.flowID), .blob(code.codeHash), .integer(Int64(code.attempts)),
                        .date(code.createdAt), .date(code.expiresAt), .date(code.consumedAt),
                    ]
                )
            }
        }
    }

    /// How many codes were sent to the factor at or after `since`, for resend throttling.
    public func oneTimeCodesSent(factorID: String, since: Date) throws -> Int {
        try withConnection { connection in
            try connection.queryFirst(
                "SELECT COUNT(*) FROM one_time_codes WHERE factor_id = ?1 AND created_at >= ?2",
                [.text(factorID), .date(since)]
            ) { try $0.int(0) } ?? 0
        }
    }

    /// When the newest code for the session and factor was sent; nil when none was.
    public func lastOneTimeCodeSent(sessionIDHash: [UInt8], factorID: String) throws -> Date? {
        try withConnection { connection in
            try connection.queryFirst(
                """
                SELECT created_at FROM one_time_codes WHERE session_id_hash = ?1 AND factor_id = ?2
                ORDER BY created_at DESC LIMIT 1
                """,
                [.blob(sessionIDHash), .text(factorID)]
            ) { try $0.date(0) }
        }
    }

    /// The code of this session and factor that can still be answered at `now`; nil when none.
    public func openOneTimeCode(sessionIDHash: [UInt8], factorID: String, now: Date) throws -> OneTimeCodeRecord? {
        try withConnection { connection in
            try connection.queryFirst(
                """
                SELECT id, user_id, factor_id, session_id_hash, flow_id, code_hash, attempts, created_at, expires_at,
                    consumed_at
                FROM one_time_codes
                WHERE session_id_hash = ?1 AND factor_id = ?2 AND consumed_at IS NULL AND expires_at > ?3
                ORDER BY created_at DESC LIMIT 1
                """,
                [.blob(sessionIDHash), .text(factorID), .date(now)],
                Self.oneTimeCodeRecord
            )
        }
    }

    /// Answers the open code of the session and factor with `codeHash`, in one transaction: an
    /// attempt is taken first (only while the code is open, unexpired and under `maxAttempts`),
    /// then the code is used up if the hash matches. Answers racing for one code are counted
    /// one by one, and at most one is accepted.
    public func answerOneTimeCode(
        sessionIDHash: [UInt8],
        factorID: String,
        codeHash: [UInt8],
        maxAttempts: Int,
        now: Date
    ) throws -> OneTimeCodeAnswer {
        try withConnection { connection in
            try connection.writeTransaction {
                let reserved = try connection.queryFirst(
                    """
                    UPDATE one_time_codes SET attempts = attempts + 1
                    WHERE session_id_hash = ?1 AND factor_id = ?2 AND consumed_at IS NULL AND expires_at > ?3
                        AND attempts < ?4
                    RETURNING id, attempts
                    """,
                    [.blob(sessionIDHash), .text(factorID), .date(now), .integer(Int64(maxAttempts))]
                ) { (try $0.text(0), try $0.int(1)) }
                guard let (id, attempts) = reserved else { return .unavailable }
                let accepted = try connection.queryFirst(
                    """
                    UPDATE one_time_codes SET consumed_at = ?3, attempts = attempts - 1
                    WHERE id = ?1 AND code_hash = ?2 AND consumed_at IS NULL
                    RETURNING id, user_id, factor_id, session_id_hash, flow_id, code_hash, attempts, created_at,
                        expires_at, consumed_at
                    """,
                    [.text(id), .blob(codeHash), .date(now)],
                    Self.oneTimeCodeRecord
                )
                return accepted.map { .accepted($0) } ?? .wrong(attempts: attempts)
            }
        }
    }

    private static func oneTimeCodeRecord(_ row: Connection.Row) throws -> OneTimeCodeRecord {
        OneTimeCodeRecord(
            id: try row.text(0),
            userID: try row.text(1),
            factorID: try row.text(2),
            sessionIDHash: try row.blob(3),
            flowID: try row.textOrNil(4),
            codeHash: try row.blob(5),
            attempts: try row.int(6),
            createdAt: try row.date(7),
            expiresAt: try row.date(8),
            consumedAt: try row.dateOrNil(9)
        )
    }

    // MARK: Recovery codes

    /// Replaces all of the user's recovery codes with `hashes` in one transaction.
    public func replaceRecoveryCodes(userID: String, hashes: [[UInt8]], at: Date) throws {
        try withConnection { connection in
            try connection.writeTransaction {
                // Lock the user first, so that two replacements run one after the other and the
                // later one's codes are the only ones left.
                _ = try Self.lockRows("SELECT 1 FROM users WHERE id = ?1", [.text(userID)], on: connection)
                try connection.run("DELETE FROM recovery_codes WHERE user_id = ?1", [.text(userID)])
                for hash in hashes {
                    try connection.run(
                        "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?1, ?2, ?3)",
                        [.text(userID), .blob(hash), .date(at)]
                    )
                }
            }
        }
    }

    /// Uses up the user's unused code with this hash; false, changing nothing, when there is
    /// none. Of two racing calls with one code, one wins.
    public func consumeRecoveryCode(userID: String, hash: [UInt8], now: Date) throws -> Bool {
        try withConnection { connection in
            try connection.run(
                """
                UPDATE recovery_codes SET used_at = ?3
                WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL
                """,
                [.text(userID), .blob(hash), .date(now)]
            ) == 1
        }
    }

    /// How many recovery codes the user has, and how many are unused.
    public func recoveryCodeCount(userID: String) throws -> RecoveryCodeCount {
        try withConnection { connection in
            try connection.queryFirst(
                """
                SELECT COUNT(*), COALESCE(SUM(CASE WHEN used_at IS NULL THEN 1 ELSE 0 END), 0)
                FROM recovery_codes WHERE user_id = ?1
                """,
                [.text(userID)]
            ) { RecoveryCodeCount(unused: try $0.int(1), total: try $0.int(0)) }
                ?? RecoveryCodeCount(
                    unused: 0,
                    total: 0
                )
        }
    }

    // MARK: Remembered devices

    /// The user's devices, most recently seen first.
    public func devices(userID: String) throws -> [DeviceRecord] {
        try withConnection { connection in
            try connection.query(
                """
                SELECT \(StoreSQL.deviceColumns) FROM risk_devices WHERE user_id = ?1
                ORDER BY last_seen_at DESC, device_id_hash
                """,
                [.text(userID)],
                Self.deviceRecord
            )
        }
    }

    /// Remembers the user's device until `until` with a label, or forgets it (nil); false when
    /// the user has no such device.
    public func setDeviceRemembered(userID: String, deviceIDHash: [UInt8], until: Date?, label: String?) throws
        -> Bool
    {
        try withConnection { connection in
            try connection.run(
                """
                UPDATE risk_devices SET remembered_until = ?3, label = COALESCE(?4, label)
                WHERE user_id = ?1 AND device_id_hash = ?2
                """,
                [.text(userID), .blob(deviceIDHash), .date(until), .text(label)]
            ) == 1
        }
    }

    static func deviceRecord(_ row: Connection.Row) throws -> DeviceRecord {
        DeviceRecord(
            userID: try row.text(0),
            deviceIDHash: try row.blob(1),
            fingerprint: try row.text(2),
            firstSeenAt: try row.date(3),
            lastSeenAt: try row.date(4),
            rememberedUntil: try row.dateOrNil(5),
            label: try row.textOrNil(6)
        )
    }
}
