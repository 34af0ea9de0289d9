import Foundation

// What the risk engine remembers per user: devices, last location, allowed actions.
extension SQLStore {
    /// The device with this cookie hash for this user, or nil.
    public func device(userID: String, deviceIDHash: [UInt8]) throws -> DeviceRecord? {
        try withConnection { try Self.device(userID: userID, deviceIDHash: deviceIDHash, on: $0) }
    }

    /// `device(userID:deviceIDHash:)` on a borrowed connection.
    static func device(userID: String, deviceIDHash: [UInt8], on connection: Connection) throws -> DeviceRecord? {
        try connection.queryFirst(StoreSQL.deviceSQL, [.text(userID), .blob(deviceIDHash)], Self.deviceRecord)
    }

    /// Adds the device, or sets its fingerprint and last-seen time when it is known; the
    /// first-seen time never changes. Throws `StoreError(.conflict)` for an unknown user.
    public func rememberDevice(userID: String, deviceIDHash: [UInt8], fingerprint: String, at: Date) throws {
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO risk_devices (user_id, device_id_hash, fingerprint, first_seen_at, last_seen_at)
                VALUES (?1, ?2, ?3, ?4, ?4)
                ON CONFLICT (user_id, device_id_hash)
                DO UPDATE SET fingerprint = excluded.fingerprint, last_seen_at = excluded.last_seen_at
                """,
                [.text(userID), .blob(deviceIDHash), .text(fingerprint), .date(at)]
            )
        }
    }

    public func riskState(userID: String) throws -> RiskStateRecord? {
        try withConnection { try Self.riskState(userID: userID, on: $0) }
    }

    /// `riskState(userID:)` on a borrowed connection.
    static func riskState(userID: String, on connection: Connection) throws -> RiskStateRecord? {
        try connection.queryFirst(
            """
            SELECT user_id, last_ip, last_country, last_latitude, last_longitude, last_accuracy_km,
                last_seen_at, countries
            FROM risk_states WHERE user_id = ?1
            """,
            [.text(userID)]
        ) { row in
            RiskStateRecord(
                userID: try row.text(0),
                lastIP: try row.textOrNil(1),
                lastCountry: try row.textOrNil(2),
                lastLatitude: try row.doubleOrNil(3),
                lastLongitude: try row.doubleOrNil(4),
                lastAccuracyKm: try row.doubleOrNil(5),
                lastSeenAt: try row.date(6),
                countries: try row.strings(7)
            )
        }
    }

    /// Replaces the user's risk state. Throws `StoreError(.conflict)` for an unknown user.
    public func saveRiskState(_ state: RiskStateRecord) throws {
        let countries = try StoreCoding.jsonArray(state.countries)
        try withConnection { connection in
            try connection.run(
                """
                INSERT INTO risk_states (user_id, last_ip, last_country, last_latitude, last_longitude,
                    last_accuracy_km, last_seen_at, countries)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                ON CONFLICT (user_id) DO UPDATE SET
                    last_ip = excluded.last_ip, last_country = excluded.last_country,
                    last_latitude = excluded.last_latitude, last_longitude = excluded.last_longitude,
                    last_accuracy_km = excluded.last_accuracy_km, last_seen_at = excluded.last_seen_at,
                    countries = excluded.countries
                """,
                [
                    .text(state.userID), .text(state.lastIP), .text(state.lastCountry),
                    .real(state.lastLatitude), .real(state.lastLongitude), .real(state.lastAccuracyKm),
                    .date(state.lastSeenAt), .text(countries),
                ]
            )
        }
    }

    /// Throws `StoreError(.conflict)` for an unknown user.
    public func recordAction(_ action: ActionRecord) throws {
        try withConnection { connection in
            try connection.run(
                "INSERT INTO risk_actions (user_id, action, amount, at) VALUES (?1, ?2, ?3, ?4)",
                [.text(action.userID), .text(action.action), .text(action.amount), .date(action.at)]
            )
        }
    }

    /// The user's actions at or after `since`, newest first, at most `limit`; of one action
    /// only when `action` is given.
    public func actions(userID: String, action: String?, since: Date, limit: Int) throws -> [ActionRecord] {
        try withConnection { try Self.actions(userID: userID, action: action, since: since, limit: limit, on: $0) }
    }

    /// `actions(userID:action:since:limit:)` on a borrowed connection.
    static func actions(
        userID: String,
        action: String?,
        since: Date,
        limit: Int,
        on connection: Connection
    ) throws -> [ActionRecord] {
        try connection.query(
            """
            SELECT user_id, action, amount, at FROM risk_actions
            WHERE user_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR action = ?2) AND at >= ?3
            ORDER BY at DESC, \(Connection.dialect.rowID) DESC LIMIT ?4
            """,
            [.text(userID), .text(action), .date(since), .integer(Int64(max(0, limit)))]
        ) { row in
            ActionRecord(
                userID: try row.text(0),
                action: try row.text(1),
                amount: try row.textOrNil(2),
                at: try row.date(3)
            )
        }
    }
}
