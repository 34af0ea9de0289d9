public import Foundation

/// Everything the risk engine sees for one decision, loaded by the caller beforehand.
///
/// Core does no I/O: the server reads the device record, the user's history and the
/// geolocation, then hands them over here. Absent parts make their signals absent, never fire.
public struct RiskInput: Sendable {
    /// Whether the request presented a device cookie, and whether this user knows it.
    public enum DeviceCookie: String, Sendable {
        /// A device ID this user has used before.
        case known
        /// A device ID, but not one of this user's (another user's, expired or forged).
        case unknown
        /// No device cookie at all.
        case absent
    }

    /// What the request says about the device.
    public struct Device: Sendable {
        /// The device cookie's state.
        public var cookie: DeviceCookie
        /// Whether this request's `DeviceFingerprint` equals the one recorded for the known
        /// device; nil when there is no known device or no recorded fingerprint.
        public var fingerprintMatches: Bool?
        /// Whether the user asked Stepgate to remember this known device, and it still is.
        public var remembered: Bool

        /// A device description.
        public init(cookie: DeviceCookie, fingerprintMatches: Bool? = nil, remembered: Bool = false) {
            self.cookie = cookie
            self.fingerprintMatches = fingerprintMatches
            self.remembered = remembered
        }
    }

    /// Where and when the user was last seen with a location.
    public struct LastLocation: Sendable {
        /// The point last seen.
        public var point: GeoPoint
        /// Accuracy radius in kilometres of that point; nil when unknown (treated as 0).
        public var accuracyRadiusKm: Double?
        /// When the user was there.
        public var time: Date

        /// A last-seen location.
        public init(point: GeoPoint, accuracyRadiusKm: Double? = nil, time: Date) {
            self.point = point
            self.accuracyRadiusKm = accuracyRadiusKm
            self.time = time
        }
    }

    /// A summary of the user's past amounts for this action, in the request's currency.
    public struct AmountHistory: Sendable {
        /// How many earlier amounts there are.
        public var count: Int
        /// The largest earlier amount; meaningless when `count` is 0.
        public var maximum: Decimal
        /// The median earlier amount; meaningless when `count` is 0.
        public var median: Decimal

        /// A summary given directly, e.g. from a stored aggregate.
        public init(count: Int, maximum: Decimal, median: Decimal) {
            self.count = count
            self.maximum = maximum
            self.median = median
        }

        /// The summary of `amounts` (the median of an even count is the mean of the middle two).
        public init(amounts: [Decimal]) {
            let sorted = amounts.sorted()
            count = sorted.count
            maximum = sorted.last ?? 0
            if sorted.isEmpty {
                median = 0
            } else if sorted.count % 2 == 1 {
                median = sorted[sorted.count / 2]
            } else {
                median = (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            }
        }

        /// No earlier amounts.
        public static let none = AmountHistory(count: 0, maximum: 0, median: 0)
    }

    /// The user's recent past, as the store keeps it.
    public struct History: Sendable {
        /// The address of the user's last successful request; nil for a first visit.
        public var lastAddress: IPAddress?
        /// Where the user was last located, and when.
        public var lastLocation: LastLocation?
        /// ISO 3166-1 alpha-2 codes (upper case) of countries the user was seen in.
        public var knownCountries: Set<String>
        /// Failed authentication attempts within the failure window the caller counts over.
        public var recentFailures: Int
        /// High-risk actions within `RiskConfiguration.velocityWindow`, this one not included.
        public var recentHighRiskActions: Int
        /// Earlier amounts for this action and currency.
        public var amounts: AmountHistory

        /// A history; every part defaults to "nothing known".
        public init(
            lastAddress: IPAddress? = nil,
            lastLocation: LastLocation? = nil,
            knownCountries: Set<String> = [],
            recentFailures: Int = 0,
            recentHighRiskActions: Int = 0,
            amounts: AmountHistory = .none
        ) {
            self.lastAddress = lastAddress
            self.lastLocation = lastLocation
            self.knownCountries = knownCountries
            self.recentFailures = recentFailures
            self.recentHighRiskActions = recentHighRiskActions
            self.amounts = amounts
        }
    }

    /// How long the session has lived and rested.
    public struct Session: Sendable {
        /// Seconds since the session was created.
        public var age: TimeInterval
        /// Seconds since the session's previous request.
        public var idle: TimeInterval

        /// A session description.
        public init(age: TimeInterval, idle: TimeInterval) {
            self.age = age
            self.idle = idle
        }
    }

    /// The client's address (after the proxy's forwarded header has been trusted or not).
    public var clientAddress: IPAddress
    /// Geolocation of `clientAddress`; nil when no database is configured or it has no entry.
    public var geo: GeoLocation?
    /// The device the request comes from.
    public var device: Device
    /// The user's recent past.
    public var history: History
    /// The session, if the request carries one (a bearer token has none).
    public var session: Session?
    /// The amount of the action, if it has one.
    public var amount: Decimal?
    /// ISO 4217 code of `amount`, for the sentences only.
    public var currency: String?
    /// The time of the decision.
    public var now: Date

    /// An input; `now` comes from the caller's injected `Clock`.
    public init(
        clientAddress: IPAddress,
        geo: GeoLocation? = nil,
        device: Device,
        history: History = History(),
        session: Session? = nil,
        amount: Decimal? = nil,
        currency: String? = nil,
        now: Date
    ) {
        self.clientAddress = clientAddress
        self.geo = geo
        self.device = device
        self.history = history
        self.session = session
        self.amount = amount
        self.currency = currency
        self.now = now
    }
}
