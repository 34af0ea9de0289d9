/// The DDL of each PostgreSQL schema version: the SQLite schema (`SQLiteSchema`) of the same
/// version, type for type, so one set of statements and one record decoder serve both.
///
/// Conventions, as in SQLite: times are BIGINT seconds since 1970, rounded down, except
/// authentication events (`authenticated_at_ms`) and audit times (`time_ms`), milliseconds;
/// flags are BIGINT 0/1 with a CHECK, like SQLite's INTEGER flags, so statements bind them
/// alike; byte strings are BYTEA; string lists are JSON array text. Every text column uses the
/// "C" collation, so equality and ordering compare bytes whatever the database's locale, as
/// SQLite does. Where SQLite orders by its implicit `rowid`, a table here has an identity `id`.
enum PostgresSchema {
    static let version1 = """
        CREATE TABLE users (
            id TEXT COLLATE "C" PRIMARY KEY,
            name TEXT COLLATE "C" NOT NULL UNIQUE,
            password_hash TEXT COLLATE "C" NOT NULL,
            disabled BIGINT NOT NULL CHECK (disabled IN (0, 1)),
            created_at BIGINT NOT NULL
        );

        CREATE TABLE factors (
            id TEXT COLLATE "C" PRIMARY KEY,
            user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            kind TEXT COLLATE "C" NOT NULL,
            sealed_secret BYTEA NOT NULL,
            last_used_step BIGINT,
            created_at BIGINT NOT NULL
        );
        CREATE INDEX factors_user_id ON factors (user_id);

        CREATE TABLE clients (
            id TEXT COLLATE "C" PRIMARY KEY,
            secret_hash TEXT COLLATE "C",
            redirect_uris TEXT COLLATE "C" NOT NULL,
            created_at BIGINT NOT NULL
        );

        CREATE TABLE sessions (
            id_hash BYTEA PRIMARY KEY,
            user_id TEXT COLLATE "C" REFERENCES users (id) ON DELETE CASCADE,
            created_at BIGINT NOT NULL,
            last_seen_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        );

        CREATE TABLE session_events (
            session_id_hash BYTEA NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            position BIGINT NOT NULL,
            method TEXT COLLATE "C" NOT NULL,
            level TEXT COLLATE "C",
            authenticated_at_ms BIGINT NOT NULL,
            PRIMARY KEY (session_id_hash, position)
        );

        CREATE TABLE flows (
            id TEXT COLLATE "C" PRIMARY KEY,
            session_id_hash BYTEA NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            request TEXT COLLATE "C" NOT NULL,
            user_id TEXT COLLATE "C" REFERENCES users (id) ON DELETE CASCADE,
            attempts BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            completed_at BIGINT
        );
        CREATE INDEX flows_session_id_hash ON flows (session_id_hash);

        CREATE TABLE account_failures (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            user_id TEXT COLLATE "C" NOT NULL,
            failed_at BIGINT NOT NULL
        );
        CREATE INDEX account_failures_user_time ON account_failures (user_id, failed_at);
        CREATE INDEX account_failures_time ON account_failures (failed_at);

        CREATE TABLE authorization_codes (
            code_hash BYTEA PRIMARY KEY,
            client_id TEXT COLLATE "C" NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
            user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            scope TEXT COLLATE "C" NOT NULL,
            acr TEXT COLLATE "C" NOT NULL,
            amr TEXT COLLATE "C" NOT NULL,
            auth_time BIGINT NOT NULL,
            redirect_uri TEXT COLLATE "C" NOT NULL,
            code_challenge TEXT COLLATE "C" NOT NULL,
            nonce TEXT COLLATE "C",
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            consumed_at BIGINT
        );

        CREATE TABLE refresh_tokens (
            token_hash BYTEA PRIMARY KEY,
            family_id TEXT COLLATE "C" NOT NULL,
            client_id TEXT COLLATE "C" NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
            user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            scope TEXT COLLATE "C" NOT NULL,
            acr TEXT COLLATE "C" NOT NULL,
            amr TEXT COLLATE "C" NOT NULL,
            auth_time BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            used_at BIGINT,
            revoked_at BIGINT
        );
        CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);

        CREATE TABLE revoked_access_tokens (
            jti TEXT COLLATE "C" PRIMARY KEY,
            expires_at BIGINT NOT NULL
        );

        CREATE TABLE signing_keys (
            kid TEXT COLLATE "C" PRIMARY KEY,
            sealed_private_key BYTEA NOT NULL,
            created_at BIGINT NOT NULL,
            retired_at BIGINT
        );
        """

    /// The audit log (`docs/audit.md`): one row per record, numbered from 1 without gaps.
    ///
    /// `time_ms` is milliseconds since 1970; `fields` is the record's JSON object text;
    /// `prev_hash` and `hash` are lower-case hex SHA-256. The triggers refuse updates and
    /// deletes, so no code path of ours can rewrite history; they do not stop the table's owner
    /// (who can drop them), which is what `stepgate audit verify` is for.
    static let version2 = """
        CREATE TABLE audit_records (
            seq BIGINT PRIMARY KEY,
            time_ms BIGINT NOT NULL,
            kind TEXT COLLATE "C" NOT NULL,
            fields TEXT COLLATE "C" NOT NULL,
            prev_hash TEXT COLLATE "C" NOT NULL,
            hash TEXT COLLATE "C" NOT NULL
        );

        CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit records are append-only' USING ERRCODE = 'restrict_violation';
        END;
        $$;

        CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
        FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();

        CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
        FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();
        """

    /// What the risk engine remembers per user; step-up challenges and transaction grants.
    static let version3 = """
        CREATE TABLE risk_devices (
            user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            device_id_hash BYTEA NOT NULL,
            fingerprint TEXT COLLATE "C" NOT NULL,
            first_seen_at BIGINT NOT NULL,
            last_seen_at BIGINT NOT NULL,
            PRIMARY KEY (user_id, device_id_hash)
        );

        CREATE TABLE risk_states (
            user_id TEXT COLLATE "C" PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
            last_ip TEXT COLLATE "C",
            last_country TEXT COLLATE "C",
            last_latitude DOUBLE PRECISION,
            last_longitude DOUBLE PRECISION,
            last_accuracy_km DOUBLE PRECISION,
            last_seen_at BIGINT NOT NULL,
            countries TEXT COLLATE "C" NOT NULL
        );

        CREATE TABLE risk_actions (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            action TEXT COLLATE "C" NOT NULL,
            amount TEXT COLLATE "C",
            at BIGINT NOT NULL
        );
        CREATE INDEX risk_actions_by_user ON risk_actions (user_id, at);

        CREATE TABLE stepup_challenges (
            id TEXT COLLATE "C" PRIMARY KEY,
            session_id_hash BYTEA NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            action TEXT COLLATE "C" NOT NULL,
            acr TEXT COLLATE "C" NOT NULL,
            max_age BIGINT,
            transaction_hash TEXT COLLATE "C",
            details TEXT COLLATE "C" NOT NULL,
            return_to TEXT COLLATE "C" NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            completed_at BIGINT
        );

        CREATE TABLE transaction_grants (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            session_id_hash BYTEA NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            action TEXT COLLATE "C" NOT NULL,
            transaction_hash TEXT COLLATE "C" NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            consumed_at BIGINT
        );
        CREATE INDEX transaction_grants_by_session ON transaction_grants (session_id_hash, transaction_hash);

        CREATE TABLE consumed_token_transactions (
            jti TEXT COLLATE "C" PRIMARY KEY,
            consumed_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        );
        """

    /// The transaction an authorization code was approved for (RFC 9396 `authorization_details`).
    static let version4 = """
        ALTER TABLE authorization_codes ADD COLUMN transaction_action TEXT COLLATE "C";
        ALTER TABLE authorization_codes ADD COLUMN transaction_hash TEXT COLLATE "C";
        ALTER TABLE authorization_codes ADD COLUMN authorization_details TEXT COLLATE "C";
        """

    /// The factors a step-up can demand beyond TOTP: WebAuthn credentials and their ceremonies,
    /// one-time codes by SMS and e-mail, recovery codes; factor labels; remembered devices.
    static let version5 = """
        ALTER TABLE users ADD COLUMN webauthn_user_handle BYTEA;
        CREATE UNIQUE INDEX users_webauthn_user_handle ON users (webauthn_user_handle);

        ALTER TABLE factors ADD COLUMN label TEXT COLLATE "C";

        ALTER TABLE risk_devices ADD COLUMN remembered_until BIGINT;
        ALTER TABLE risk_devices ADD COLUMN label TEXT COLLATE "C";

        CREATE TABLE webauthn_credentials (
            id TEXT COLLATE "C" PRIMARY KEY,
            user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            credential_id BYTEA NOT NULL UNIQUE,
            public_key BYTEA NOT NULL,
            algorithm BIGINT NOT NULL,
            sign_count BIGINT NOT NULL,
            aaguid BYTEA NOT NULL,
            backup_eligible BIGINT NOT NULL CHECK (backup_eligible IN (0, 1)),
            backup_state BIGINT NOT NULL CHECK (backup_state IN (0, 1)),
            user_verifying BIGINT NOT NULL CHECK (user_verifying IN (0, 1)),
            transports TEXT COLLATE "C" NOT NULL,
            attestation_format TEXT COLLATE "C" NOT NULL,
            attestation_type TEXT COLLATE "C" NOT NULL,
            kind TEXT COLLATE "C" NOT NULL,
            label TEXT COLLATE "C" NOT NULL,
            created_at BIGINT NOT NULL,
            last_used_at BIGINT,
            disabled_at BIGINT,
            disabled_reason TEXT COLLATE "C"
        );
        CREATE INDEX webauthn_credentials_by_user ON webauthn_credentials (user_id);

        CREATE TABLE webauthn_ceremonies (
            id TEXT COLLATE "C" PRIMARY KEY,
            session_id_hash BYTEA NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            purpose TEXT COLLATE "C" NOT NULL CHECK (purpose IN ('register', 'authenticate')),
            challenge_hash BYTEA NOT NULL,
            flow_id TEXT COLLATE "C",
            transaction_hash TEXT COLLATE "C",
            user_verification_required BIGINT NOT NULL CHECK (user_verification_required IN (0, 1)),
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            consumed_at BIGINT
        );

        CREATE TABLE one_time_codes (
            id TEXT COLLATE "C" PRIMARY KEY,
            user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            factor_id TEXT COLLATE "C" NOT NULL REFERENCES factors (id) ON DELETE CASCADE,
            session_id_hash BYTEA NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
            flow_id TEXT COLLATE "C",
            code_hash BYTEA NOT NULL,
            attempts BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            consumed_at BIGINT
        );
        CREATE INDEX one_time_codes_by_factor ON one_time_codes (factor_id, created_at);
        CREATE INDEX one_time_codes_by_session ON one_time_codes (session_id_hash);

        CREATE TABLE recovery_codes (
            user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            code_hash BYTEA NOT NULL,
            created_at BIGINT NOT NULL,
            used_at BIGINT,
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
            id TEXT COLLATE "C" PRIMARY KEY,
            channel TEXT COLLATE "C" NOT NULL,
            purpose TEXT COLLATE "C" NOT NULL,
            sealed_payload BYTEA,
            state TEXT COLLATE "C" NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
            attempts BIGINT NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            lease_token TEXT COLLATE "C",
            lease_until BIGINT,
            created_at BIGINT NOT NULL,
            sent_at BIGINT,
            last_error TEXT COLLATE "C"
        );
        CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
        """

    /// DPoP: `SQLiteSchema.version7`, type for type.
    static let version7 = """
        CREATE TABLE dpop_proofs (
            jti_hash BYTEA PRIMARY KEY,
            consumed_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        );
        ALTER TABLE refresh_tokens ADD COLUMN dpop_jkt TEXT COLLATE "C";
        ALTER TABLE clients ADD COLUMN requires_dpop BIGINT NOT NULL DEFAULT 0 CHECK (requires_dpop IN (0, 1));
        """

    /// Rate-limit counters: `SQLiteSchema.version8`, type for type.
    static let version8 = """
        CREATE TABLE rate_limit_counters (
            key_hash BYTEA NOT NULL,
            window_start BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            hits BIGINT NOT NULL,
            PRIMARY KEY (key_hash, window_start)
        );
        CREATE INDEX rate_limit_counters_expiry ON rate_limit_counters (expires_at);
        """

    /// Expiry indexes: `SQLiteSchema.version9`, name for name.
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

    /// History indexes: `SQLiteSchema.version10`, name for name.
    static let version10 = """
        CREATE INDEX risk_devices_first_seen ON risk_devices (first_seen_at);
        CREATE INDEX risk_actions_at ON risk_actions (at);
        CREATE INDEX outbox_ended ON outbox (state, created_at);
        """

    /// Issued access tokens on refresh tokens: `SQLiteSchema.version11`, name for name.
    static let version11 = """
        ALTER TABLE refresh_tokens ADD COLUMN access_jti TEXT COLLATE "C";
        ALTER TABLE refresh_tokens ADD COLUMN access_expires_at BIGINT;
        CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
        CREATE INDEX authorization_codes_user ON authorization_codes (user_id);
        """
}
