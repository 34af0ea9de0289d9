public import Foundation

/// What the risk engine weighs and where its thresholds lie.
///
/// Build one, change what differs from the defaults, then call `validated()` once at startup:
/// it lists every problem at once, naming the key (as a future `risk.*` configuration key) and
/// what was expected.
public struct RiskConfiguration: Sendable {
    /// Points per signal; see `RiskPoints` for the defaults.
    public var points = RiskPoints()
    /// `risk.travel.max_speed_kmh`: fastest believable travel in km/h; 900 (an airliner).
    public var impossibleTravelSpeedKmh = 900.0
    /// `risk.travel.min_distance_km`: distances below this never count as impossible travel,
    /// whatever the time, because IP geolocation is coarse; 500 km.
    public var impossibleTravelMinimumDistanceKm = 500.0
    /// `risk.network.prefix_v4`: two IPv4 addresses sharing this many leading bits are one
    /// network for `network.changed`; 24.
    public var networkPrefixV4 = 24
    /// `risk.network.prefix_v6`: the same for IPv6 (a typical site allocation); 48.
    public var networkPrefixV6 = 48
    /// `risk.velocity.window`: seconds over which the caller counts high-risk actions; 3600.
    public var velocityWindow: TimeInterval = 3600
    /// `risk.velocity.limit`: high-risk actions allowed in the window; the next one fires
    /// `velocity.high`; 5.
    public var velocityLimit = 5
    /// `risk.amount.over_maximum`: an amount above the user's largest times this fires
    /// `amount.unusual`; 1.5.
    public var amountOverMaximumFactor: Decimal = 1.5
    /// `risk.amount.over_median`: an amount above the user's median times this fires
    /// `amount.unusual`; 5.
    public var amountOverMedianFactor: Decimal = 5
    /// `risk.amount.history`: how far back, in seconds, the earlier amounts of an action reach
    /// (at most 100 of them); older ones are forgotten and deleted. 34560000 (400 days, as
    /// long as a device cookie lives), so that a yearly payment still finds last year's.
    public var amountHistory: TimeInterval = 400 * 86_400
    /// `risk.session.max_age`: a session older than this many seconds fires `session.old`;
    /// 43200 (12 hours).
    public var sessionMaxAge: TimeInterval = 43_200
    /// `risk.session.max_idle`: a session idle longer than this many seconds fires
    /// `session.idle`; 1800 (30 minutes).
    public var sessionMaxIdle: TimeInterval = 1_800
    /// `risk.failures.window`: seconds over which the caller counts failed attempts; 900.
    public var failureWindow: TimeInterval = 900
    /// `risk.failures.threshold`: this many recent failures fire `auth.recent_failures`; 3.
    public var failureThreshold = 3
    /// `risk.networks.allow`: networks that lower the score (an office, a VPN exit).
    public var allowedNetworks: [IPNetwork] = []
    /// `risk.networks.deny`: networks whose requests are denied outright.
    public var deniedNetworks: [IPNetwork] = []

    /// The defaults above.
    public init() {}

    /// Every problem with these settings, one line each; empty when they are usable.
    public var problems: [String] {
        var problems: [String] = []
        for code in RiskReason.Code.allCases {
            let value = points[code]
            let range = code.lowersScore ? -100...0 : 0...100
            if !range.contains(value) {
                problems.append(
                    "risk.points.\(code.rawValue): expected an integer from \(range.lowerBound) to "
                        + "\(range.upperBound), found \(value)"
                )
            }
        }
        func positive(_ key: String, _ value: Double) {
            if !(value.isFinite && value > 0) { problems.append("\(key): expected a positive number, found \(value)") }
        }
        func atLeast(_ key: String, _ value: Int, _ minimum: Int) {
            if value < minimum { problems.append("\(key): expected at least \(minimum), found \(value)") }
        }
        positive("risk.travel.max_speed_kmh", impossibleTravelSpeedKmh)
        if !(impossibleTravelMinimumDistanceKm.isFinite && impossibleTravelMinimumDistanceKm >= 0) {
            problems.append(
                "risk.travel.min_distance_km: expected zero or a positive number, "
                    + "found \(impossibleTravelMinimumDistanceKm)"
            )
        }
        if !(0...32).contains(networkPrefixV4) {
            problems.append("risk.network.prefix_v4: expected 0 to 32, found \(networkPrefixV4)")
        }
        if !(0...128).contains(networkPrefixV6) {
            problems.append("risk.network.prefix_v6: expected 0 to 128, found \(networkPrefixV6)")
        }
        positive("risk.velocity.window", velocityWindow)
        atLeast("risk.velocity.limit", velocityLimit, 1)
        for (key, factor) in [
            ("risk.amount.over_maximum", amountOverMaximumFactor), ("risk.amount.over_median", amountOverMedianFactor),
        ] where !(factor >= 1) || factor.isNaN {
            problems.append("\(key): expected a factor of at least 1, found \(factor)")
        }
        positive("risk.amount.history", amountHistory)
        positive("risk.session.max_age", sessionMaxAge)
        positive("risk.session.max_idle", sessionMaxIdle)
        positive("risk.failures.window", failureWindow)
        atLeast("risk.failures.threshold", failureThreshold, 1)
        for network in allowedNetworks where deniedNetworks.contains(network) {
            problems.append("risk.networks.allow: \(network) is also in risk.networks.deny")
        }
        return problems
    }

    /// These settings, or an error listing every problem.
    public func validated() throws(RiskConfigurationError) -> RiskConfiguration {
        let problems = problems
        guard problems.isEmpty else { throw RiskConfigurationError(problems: problems) }
        return self
    }

    /// Parses network texts for `allowedNetworks` or `deniedNetworks`; an unparsable entry is a
    /// problem naming `key` and its position (1-based), and is left out.
    public static func networks(
        _ texts: [String],
        key: String
    ) -> (networks: [IPNetwork], problems: [String]) {
        var networks: [IPNetwork] = []
        var problems: [String] = []
        for (index, text) in texts.enumerated() {
            if let network = IPNetwork(text) {
                networks.append(network)
            } else {
                problems.append(
                    "\(key) entry \(index + 1): expected a network such as 192.0.2.0/24 or 2001:db8::/32 "
                        + "with no host bits set"
                )
            }
        }
        return (networks, problems)
    }
}
