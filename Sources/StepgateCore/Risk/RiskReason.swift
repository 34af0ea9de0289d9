/// One thing the risk engine found about a request: a stable code, its points and a sentence.
public struct RiskReason: Hashable, Sendable {
    /// The stable name of a risk signal; its raw value is what logs, policies and the audit
    /// log carry. Cases are in the engine's evaluation order, which is the order of reasons.
    public enum Code: String, CaseIterable, Sendable {
        /// The request comes from a device the user has not used before.
        case deviceNew = "device.new"
        /// A known device now sends different stable traits than it used to.
        case deviceFingerprintChanged = "device.fingerprint_changed"
        /// The user asked Stepgate to remember this browser, and it still is (negative points).
        case deviceRemembered = "device.remembered"
        /// The client address is outside the network of the user's last known address.
        case networkChanged = "network.changed"
        /// The client address is in an allow-listed network (negative points).
        case networkAllowed = "network.allowed"
        /// The client address is in a deny-listed network; the assessment is denied.
        case networkDenied = "network.denied"
        /// The address geolocates to a country the user has not been seen in.
        case geoNewCountry = "geo.new_country"
        /// Reaching here from the last known location would need an impossible speed.
        case geoImpossibleTravel = "geo.impossible_travel"
        /// The session has been open longer than the configured age.
        case sessionOld = "session.old"
        /// The session has been idle longer than the configured time.
        case sessionIdle = "session.idle"
        /// The user has recently failed to authenticate several times.
        case authRecentFailures = "auth.recent_failures"
        /// The user has performed many high-risk actions in the recent window.
        case velocityHigh = "velocity.high"
        /// The amount is well above what the user usually moves for this action.
        case amountUnusual = "amount.unusual"
        /// The user has no earlier amount for this action.
        case amountFirst = "amount.first"

        /// Whether the signal's points lower the score (its points lie in -100...0).
        public var lowersScore: Bool { self == .networkAllowed || self == .deviceRemembered }
    }

    /// Which signal fired.
    public let code: Code
    /// Points added to the score; negative only for `network.allowed` and `device.remembered`.
    public let points: Int
    /// A plain English sentence for the user or an operator; holds no cookie, device ID or
    /// other secret (it may hold an IP address, a country code, a distance or an amount).
    public let sentence: String

    /// A reason; the engine makes these, tests and tools may too.
    public init(code: Code, points: Int, sentence: String) {
        self.code = code
        self.points = points
        self.sentence = sentence
    }
}
