/// The DDL of each schema version; `PostgresSchema` has the same versions, type for type.
///
/// Conventions: times are INTEGER seconds since 1970, rounded down, except authentication
/// events (`authenticated_at_ms`, milliseconds: "after this request" must be decidable within a
/// second); flags are INTEGER 0/1 (BIGINT 0/1 in PostgreSQL, so one statement binds both);
/// byte strings are BLOB (BYTEA); string lists (`amr`, redirect URIs) are JSON array text.
/// Secrets appear only as hashes or sealed ciphertext.
enum SQLiteSchema {
    static let version1 = """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),
            created_at INTEGER NOT NULL
        );

        CREATE TABLE factors (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            sealed_secret BLOB NOT NULL,
            last_used_step INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX factors_user_id ON factors (user_id);

        CREATE TABLE clients (
            id TEXT PRIMARY KEY,
            secret_hash TEXT,
            redirect_uris TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );

        CREATE TABLE sessions (
            id_hash BLOB PRIMARY KEY,
            user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );

        CREATE TABLE session_events (
            session_id_hash BLOB NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            method TEXT NOT NULL,
            level TEXT,
            authenticated_at_ms INTEGER NOT NULL,
            PRIMARY KEY (session_id_hash, position)
        );

        CREATE TABLE flows (
            id TEXT PRIMARY KEY,
            session_id_hash BLOB NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            request TEXT NOT NULL,
            user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
            attempts INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            completed_at INTEGER
        );
        CREATE INDEX flows_session_id_hash ON flows (session_id_hash);

        CREATE TABLE account_failures (
            id INTEGER PRIMARY KEY,
            user_id TEXT NOT NULL,
            failed_at INTEGER NOT NULL
        );
        CREATE INDEX account_failures_user_time ON account_failures (user_id, failed_at);
        CREATE INDEX account_failures_time ON account_failures (failed_at);

        CREATE TABLE authorization_codes (
            code_hash BLOB PRIMARY KEY,
            client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            scope TEXT NOT NULL,
            acr TEXT NOT NULL,
            amr TEXT NOT NULL,
            auth_time INTEGER NOT NULL,
            redirect_uri TEXT NOT NULL,
            code_challenge TEXT NOT NULL,
            nonce TEXT,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            consumed_at INTEGER
        );

        CREATE TABLE refresh_tokens (
            token_hash BLOB PRIMARY KEY,
            family_id TEXT NOT NULL,
            client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            scope TEXT NOT NULL,
            acr TEXT NOT NULL,
            amr TEXT NOT NULL,
            auth_time INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER,
            revoked_at INTEGER
        );
        CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);

        CREATE TABLE revoked_access_tokens (
            jti TEXT PRIMARY KEY,
            expires_at INTEGER NOT NULL
        );

        CREATE TABLE signing_keys (
            kid TEXT PRIMARY KEY,
            sealed_private_key BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            retired_at INTEGER
        );
        """

    /// The audit log (`docs/audit.md`): one row per record, numbered from 1 without gaps.
    ///
    /// `time_ms` is milliseconds since 1970; `fields` is the record's JSON object text;
    /// `prev_hash` and `hash` are lower-case hex SHA-256. The triggers refuse updates and
    /// deletes, so no code path of ours can rewrite history; they do not stop someone with
    /// write access to the file, which is what `stepgate audit verify` is for.
    static let version2 = """
        CREATE TABLE audit_records (
            seq INTEGER PRIMARY KEY,
            time_ms INTEGER NOT NULL,
            kind TEXT NOT NULL,
            fields TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );

        CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;

        CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
        BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
        """

    /// What the risk engine remembers per user; step-up challenges and transaction grants.
    static let version3 = """
        CREATE TABLE risk_devices (
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            device_id_hash BLOB NOT NULL,
            fingerprint TEXT NOT NULL,
            first_seen_at INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL,
            PRIMARY KEY (user_id, device_id_hash)
        );

        CREATE TABLE risk_states (
            user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            last_ip TEXT,
            last_country TEXT,
            last_latitude REAL,
            last_longitude REAL,
            last_accuracy_km REAL,
            last_seen_at INTEGER NOT NULL,
            countries TEXT NOT NULL
        );

        CREATE TABLE risk_actions (
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            action TEXT NOT NULL,
            amount TEXT,
            at INTEGER NOT NULL
        );
        CREATE INDEX risk_actions_by_user ON risk_actions (user_id, at);

        CREATE TABLE stepup_challenges (
            id TEXT PRIMARY KEY,
            session_id_hash BLOB NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            action TEXT NOT NULL,
            acr TEXT NOT NULL,
            max_age INTEGER,
            transaction_hash TEXT,
            details TEXT NOT NULL,
            return_to TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            completed_at INTEGER
        );

        CREATE TABLE transaction_grants (
            session_id_hash BLOB NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            action TEXT NOT NULL,
            transaction_hash TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            consumed_at INTEGER
        );
        CREATE INDEX transaction_grants_by_session ON transaction_grants (session_id_hash, transaction_hash);

        CREATE TABLE consumed_token_transactions (
            jti TEXT PRIMARY KEY,
            consumed_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        """

    /// The transaction an authorization code was approved for (RFC 9396 `authorization_details`).
    static let version4 = """
        ALTER TABLE authorization_codes ADD COLUMN transaction_action TEXT;
        ALTER TABLE authorization_codes ADD COLUMN transaction_hash TEXT;
        ALTER TABLE authorization_codes ADD COLUMN authorization_details TEXT;
        """

    /// The factors a step-up can demand beyond TOTP: WebAuthn credentials and their ceremonies,
    /// one-time codes by SMS and e-mail, recovery codes; factor labels; remembered devices.
    static let version5 = """
        ALTER TABLE users ADD COLUMN webauthn_user_handle BLOB;
        CREATE UNIQUE INDEX users_webauthn_user_handle ON users (webauthn_user_handle);

        ALTER TABLE factors ADD COLUMN label TEXT;

        ALTER TABLE risk_devices ADD COLUMN remembered_until INTEGER;
        ALTER TABLE risk_devices ADD COLUMN label TEXT;

        CREATE TABLE webauthn_credentials (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            credential_id BLOB NOT NULL UNIQUE,
            public_key BLOB NOT NULL,
            algorithm INTEGER NOT NULL,
            sign_count INTEGER NOT NULL,
            aaguid BLOB NOT NULL,
            backup_eligible INTEGER NOT NULL CHECK (backup_eligible IN (0, 1)),
            backup_state INTEGER NOT NULL CHECK (backup_state IN (0, 1)),
            user_verifying INTEGER NOT NULL CHECK (user_verifying IN (0, 1)),
            transports TEXT NOT NULL,
            attestation_format TEXT NOT NULL,
            attestation_type TEXT NOT NULL,
            kind TEXT NOT NULL,
            label TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            last_used_at INTEGER,
            disabled_at INTEGER,
            disabled_reason TEXT
        );
        CREATE INDEX webauthn_credentials_by_user ON webauthn_credentials (user_id);

        CREATE TABLE webauthn_ceremonies (
            id TEXT PRIMARY KEY,
            session_id_hash BLOB NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            purpose TEXT NOT NULL CHECK (purpose IN ('register', 'authenticate')),
            challenge_hash BLOB NOT NULL,
            flow_id TEXT,
            transaction_hash TEXT,
            user_verification_required INTEGER NOT NULL CHECK (user_verification_required IN (0, 1)),
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            consumed_at INTEGER
        );

        CREATE TABLE one_time_codes (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            factor_id TEXT NOT NULL REFERENCES factors (id) ON DELETE CASCADE,
            session_id_hash BLOB NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            flow_id TEXT,
            code_hash BLOB NOT NULL,
            attempts INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            consumed_at INTEGER
        );
        CREATE INDEX one_time_codes_by_factor ON one_time_codes (factor_id, created_at);
        CREATE INDEX one_time_codes_by_session ON one_time_codes (session_id_hash);

        CREATE TABLE recovery_codes (
            user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            code_hash BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            used_at INTEGER,
            PRIMARY KEY (user_id, code_hash)
        );
        """

    /// The outbox of messages to users (`docs/delivery.md`): one row per e-mail or SMS.
    ///
    /// `sealed_payload` is AES-256-GCM ciphertext of the recipient, subject and text, sealed by
    /// the server under the master key and bound to the row's ID; it is set to NULL once the
    /// message is sent or has failed for good, so no one-time code outlives its delivery.
    /// `lease_token` and `lease_until` belong to the worker that claimed the row; `state` is
    /// `pending`, `sent` or `failed`; `last_error` is a fixed code, never a provider's text.
    static let version6 = """
        CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            channel TEXT NOT NULL,
            purpose TEXT NOT NULL,
            sealed_payload BLOB,
            state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
            attempts INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            lease_token TEXT,
            lease_until INTEGER,
            created_at INTEGER NOT NULL,
            sent_at INTEGER,
            last_error TEXT
        );
        CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
        """

    /// DPoP (RFC 9449): the proofs already used, and the key a refresh token is bound to.
    ///
    /// `dpop_proofs.jti_hash` is SHA-256 over the proof key's thumbprint and the proof's `jti`
    /// (never the raw `jti`); a row means that proof was used. `refresh_tokens.dpop_jkt` is the
    /// RFC 7638 thumbprint a refresh must prove possession of; NULL for an unbound token.
    /// `clients.requires_dpop` is 1 for a client whose token requests must carry a proof.
    static let version7 = """
        CREATE TABLE dpop_proofs (
            jti_hash BLOB PRIMARY KEY,
            consumed_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        ALTER TABLE refresh_tokens ADD COLUMN dpop_jkt TEXT;
        ALTER TABLE clients ADD COLUMN requires_dpop INTEGER NOT NULL DEFAULT 0 CHECK (requires_dpop IN (0, 1));
        """

    /// Rate-limit counters (`docs/security.md`, "Rate limits"): one row per key and fixed window.
    ///
    /// `key_hash` is an HMAC-SHA256 under a key derived from the master key of what is limited
    /// (an address or an account), never the address or name itself; `window_start` is the
    /// window's first second, `expires_at` its end (rows are pruned by it); `hits` counts every
    /// request seen in the window, refused ones included.
    static let version8 = """
        CREATE TABLE rate_limit_counters (
            key_hash BLOB NOT NULL,
            window_start INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            hits INTEGER NOT NULL,
            PRIMARY KEY (key_hash, window_start)
        );
        CREATE INDEX rate_limit_counters_expiry ON rate_limit_counters (expires_at);
        """

    /// Indexes on `expires_at` for the tables whose expired rows `Store.pruneExpired` deletes,
    /// so that each of its batches reads only the rows it deletes.
    static let version9 = """
        CREATE INDEX sessions_expiry ON sessions (expires_at);
        CREATE INDEX flows_expiry ON flows (expires_at);
        CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at);
        CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at);
        CREATE INDEX revoked_access_tokens_expiry ON revoked_access_tokens (expires_at);
        CREATE INDEX stepup_challenges_expiry ON stepup_challenges (expires_at);
        CREATE INDEX transaction_grants_expiry ON transaction_grants (expires_at);
        CREATE INDEX consumed_token_transactions_expiry ON consumed_token_transactions (expires_at);
        CREATE INDEX webauthn_ceremonies_expiry ON webauthn_ceremonies (expires_at);
        CREATE INDEX one_time_codes_expiry ON one_time_codes (expires_at);
        CREATE INDEX dpop_proofs_expiry ON dpop_proofs (expires_at);
        """

    /// Indexes for `Store.pruneHistory`: devices by first sighting, actions by time, ended
    /// messages by state and queueing time.
    static let version10 = """
        CREATE INDEX risk_devices_first_seen ON risk_devices (first_seen_at);
        CREATE INDEX risk_actions_at ON risk_actions (at);
        CREATE INDEX outbox_ended ON outbox (state, created_at);
        """

    /// The access token issued with each refresh token (its `jti` and expiry), so that revoking
    /// a family or a user's tokens revokes those access tokens too; and the indexes that find a
    /// user's refresh tokens and unredeemed codes at a password change.
    static let version11 = """
        ALTER TABLE refresh_tokens ADD COLUMN access_jti TEXT;
        ALTER TABLE refresh_tokens ADD COLUMN access_expires_at INTEGER;
        CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
        CREATE INDEX authorization_codes_user ON authorization_codes (user_id);
        """
}
