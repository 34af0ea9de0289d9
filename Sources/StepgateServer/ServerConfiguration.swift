public import Foundation
public import StepgateCore
public import StepgateCrypto
public import StepgateStore

/// Everything `stepgate serve` and the admin commands are configured by.
///
/// Sources, later ones winning: built-in defaults, the configuration file, environment
/// variables (`STEPGATE_` and the key in upper case with `.` as `_`, such as
/// `STEPGATE_ACCESS_TOKEN_LIFETIME`), then command-line flags. Keys, with types and defaults:
///
/// | key | type | default |
/// | --- | --- | --- |
/// | `listen` | HOST:PORT | `127.0.0.1:8080` |
/// | `issuer` | http(s) URL, no query or fragment | `http://localhost:<listen port>` |
/// | `data_dir` | path | `./data` |
/// | `database` | SQLite file path, or `postgres://user:pass@host:port/db` for PostgreSQL | `<data_dir>/stepgate.db` |
/// | `master_key_file` | path (0600, 32 bytes base64url) | `<data_dir>/master.key`, created if missing |
/// | `password.memory_kib` / `.iterations` / `.parallelism` | argon2id cost | 19456 / 2 / 1 |
/// | `session.lifetime` | duration | `30d` |
/// | `flow.lifetime` | duration (a challenge's expiry) | `5m` |
/// | `flow.max_attempts` | integer (failed answers per challenge) | 5 |
/// | `account.max_failures` | integer (failed answers per account per window) | 10 |
/// | `account.failure_window` | duration | `15m` |
/// | `code.lifetime` | duration, at most 60 s | `60s` |
/// | `access_token.lifetime` | duration | `10m` |
/// | `id_token.lifetime` | duration | `10m` |
/// | `refresh_token.lifetime` | duration | `30d` |
/// | `default_acr` | a level name, used when `acr_values` is absent | `aal1` |
/// | `levels` | level names, lowest first, space-separated | `aal1 aal2 aal3` |
/// | `level.NAME.methods` | `;`-separated groups of space-separated RFC 8176 methods | see `AssurancePolicy.standard` |
/// | `level.NAME.lifetime` / `.idle` | duration / duration or `none` | see `AssurancePolicy.standard` |
/// | `http.threads` | integer | the number of cores, at least 2 |
/// | `http.max_body_bytes` / `http.max_header_bytes` | integer | 65536 / 16384 |
/// | `http.connection_timeout` | duration | `30s` |
/// | `http.trusted_proxies` | networks (`10.0.0.5`, `10.1.0.0/16`), space- or comma-separated, or `none`: peers whose `X-Real-IP`/`X-Forwarded-For` are believed and who may call `/decide` | `127.0.0.0/8 ::1` |
/// | `log.level` | trace, debug, info, notice, warning, error | `info` |
/// | `demo` | true/false: serve the demo relying party at `/demo` | `false` |
/// | `demo.bank_listen` | HOST:PORT of the demo bank (`DemoBank`), with `demo` on | none: no bank |
/// | `policy` | path of a policy file (docs/policies.md) for the decision endpoint | none: `/decide` denies |
/// | `decide.unmatched` | `allow` or `deny`: a request no action covers | `deny` |
/// | `geo.database` | path of a MaxMind DB (GeoLite2/GeoIP2 City or Country) | none: no geo signals |
/// | `transaction.grant_lifetime` | duration a step-up's transaction grant waits for its request | `5m` |
/// | `device.cookie_lifetime` | duration of the device cookie the risk engine knows devices by | `400d` |
/// | `risk.points.CODE`, `risk.*` | the risk engine's points and thresholds (see `RiskConfiguration`) | its defaults |
/// | `delivery.*` | how e-mail and SMS leave the server (see `DeliveryConfiguration`) | nothing is sent |
/// | `service_name` | the name messages and pages use | `Stepgate` |
/// | `otp.lifetime` | duration an SMS or e-mail code can be answered | `5m` |
/// | `otp.max_attempts` | integer (wrong answers per code) | 3 |
/// | `otp.resend_interval` | duration before a code can be sent again | `30s` |
/// | `otp.hourly_limit` | integer (codes per factor per hour) | 5 |
/// | `webauthn.rp_id` | the WebAuthn relying party ID: the issuer's host or a registrable suffix of it | the issuer's host |
/// | `webauthn.origins` | space-separated origins allowed in WebAuthn client data | the issuer's origin |
/// | `webauthn.timeout` | duration the browser waits for the authenticator | `2m` |
/// | `enrolment.max_age` | duration: how fresh the step-up before adding or removing a factor must be | `5m` |
/// | `dpop.nonce` | `required` or `off`: whether `/token` demands a server nonce in DPoP proofs | `required` |
/// | `dpop.proof_window` | duration a DPoP proof's `iat` may be from now, either way (at most `5m`) | `60s` |
/// | `device.remember_lifetime` | duration a remembered device lowers the risk score, or `none` to offer no remembering | `30d` |
/// | `rate_limit.*` | per-address and per-account request limits (see `RateLimitConfiguration`) | on: 300/min per address, 30 per 5 min per account |
public struct ServerConfiguration: Sendable {
    public var listenHost = "127.0.0.1"
    public var listenPort = 8080
    public var issuer = "http://localhost:8080"
    public var dataDirectory = "data"
    public var databasePath = "data/stepgate.db"
    /// The PostgreSQL database when `database` is a `postgres://` or `postgresql://` URL; nil
    /// means the SQLite file at `databasePath`. Holds the password: never log it whole.
    public var postgres: PostgresParameters?
    public var masterKeyFile = "data/master.key"
    /// The master key from `STEPGATE_MASTER_KEY`, when set; it wins over the key file.
    public var masterKeyFromEnvironment: [UInt8]?
    public var passwordCost = Argon2Parameters()
    public var sessionLifetime: TimeInterval = 30 * 86_400
    public var flowLifetime: TimeInterval = 300
    /// How long a transaction approved by a step-up may wait for its one request.
    public var transactionGrantLifetime: TimeInterval = 300
    public var flowMaxAttempts = 5
    public var accountMaxFailures = 10
    public var accountFailureWindow: TimeInterval = 900
    public var codeLifetime: TimeInterval = 60
    public var accessTokenLifetime: TimeInterval = 600
    public var idTokenLifetime: TimeInterval = 600
    public var refreshTokenLifetime: TimeInterval = 30 * 86_400
    public var defaultACR = "aal1"
    public var assurance = AssurancePolicy.standard
    public var httpThreads = max(2, ProcessInfo.processInfo.activeProcessorCount)
    public var maxBodyBytes = 65_536
    public var maxHeaderBytes = 16_384
    public var connectionTimeout: TimeInterval = 30
    /// The peers that may name the client's address in `X-Real-IP`/`X-Forwarded-For` and call
    /// `/decide` (`http.trusted_proxies`): loopback unless configured.
    public var trustedProxies = ForwardedRequest.loopback
    public var logLevel = LogLevel.info
    public var demo = false
    /// Where the demo bank listens (`demo.bank_listen`); nil when it does not run.
    public var demoBankListen: (host: String, port: Int)?
    /// Where `policy` was read from; nil when no policy is configured.
    public var policyPath: String?
    /// The decision endpoint's policy; nil when none is configured (then it denies every request).
    public var policy: Policy?
    public var unmatchedRequests = UnmatchedRequests.deny
    public var geoDatabasePath: String?
    public var deviceCookieLifetime: TimeInterval = 400 * 86_400
    public var risk = RiskConfiguration()
    /// The outbox transports and retries (`delivery.*`).
    public var delivery = DeliveryConfiguration()
    public var serviceName = "Stepgate"
    /// How long an SMS or e-mail one-time code can be answered.
    public var otpLifetime: TimeInterval = 300
    public var otpMaxAttempts = 3
    public var otpResendInterval: TimeInterval = 30
    public var otpHourlyLimit = 5
    /// The WebAuthn relying party ID; nil means the issuer's host.
    public var webAuthnRelyingPartyID: String?
    /// Origins allowed in WebAuthn client data; empty means the issuer's origin.
    public var webAuthnOrigins: [String] = []
    public var webAuthnTimeout: TimeInterval = 120
    /// How fresh (seconds since `auth_time`) the proof must be to add or remove a factor.
    public var enrolmentMaxAge: TimeInterval = 300
    /// Whether `/token` demands a server nonce in DPoP proofs (RFC 9449 §8).
    public var dpopNonceRequired = true
    /// How far a DPoP proof's `iat` may be from now, either way, in seconds.
    public var dpopProofWindow: TimeInterval = 60
    /// How long a remembered device lowers the risk score; nil when remembering is not offered.
    public var deviceRememberLifetime: TimeInterval? = 30 * 86_400
    /// The edge rate limits (`rate_limit.*`).
    public var rateLimits = RateLimitConfiguration()

    public init() {}

    /// The WebAuthn relying party ID in effect: `webauthn.rp_id`, or the issuer's host.
    public var relyingPartyID: String {
        webAuthnRelyingPartyID ?? URL(string: issuer)?.host ?? "localhost"
    }

    /// The origins WebAuthn client data may name: `webauthn.origins`, or the issuer's origin.
    public var relyingPartyOrigins: [String] {
        webAuthnOrigins.isEmpty ? [issuer] : webAuthnOrigins
    }

    /// Whether the issuer is served over https, so cookies get `Secure` and the `__Host-` prefix.
    public var isSecure: Bool { issuer.hasPrefix("https://") }
}

/// A configuration that could not be loaded; `problems` names every key at fault.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let problems: [String]

    public var description: String {
        "configuration has \(problems.count) problem(s):\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
