import Foundation
import StepgateCore

/// What the decision endpoint does with a request that no policy action covers.
public enum UnmatchedRequests: String, Sendable {
    /// Let it through, with identity headers when the request carries a session or token.
    case allow
    /// Refuse it (403): a path left out of the policy is never open by accident.
    case deny
}

extension ConfigReader {
    /// The decision endpoint's keys: the policy file, what to do with unmatched requests, the
    /// geolocation database, the transaction-grant lifetime and the risk engine's `risk.*` keys.
    ///
    /// The policy is loaded here, so that `stepgate serve` refuses to start with a broken one and
    /// names every problem with its line.
    mutating func readDecisions(into config: inout ServerConfiguration) {
        if let (path, origin) = raw("policy") {
            config.policyPath = path
            if let text = Self.readText(path) {
                do {
                    config.policy = try Policy.load(text, assurance: config.assurance)
                } catch {
                    problems += error.problems.map { "policy (\(origin)) \(path): \($0)" }
                }
            } else {
                problems.append("policy (\(origin)): \(path) cannot be read as UTF-8 text")
            }
        }
        if let (value, origin) = raw("decide.unmatched") {
            if let parsed = UnmatchedRequests(rawValue: value) {
                config.unmatchedRequests = parsed
            } else {
                problems.append("decide.unmatched (\(origin)): expected allow or deny")
            }
        }
        if let (path, _) = raw("geo.database"), !path.isEmpty { config.geoDatabasePath = path }
        duration("transaction.grant_lifetime", into: &config.transactionGrantLifetime)
        duration("device.cookie_lifetime", into: &config.deviceCookieLifetime)
        readRisk(into: &config.risk)
    }

    /// `risk.*`: the points of each signal and the thresholds of `RiskConfiguration`.
    private mutating func readRisk(into risk: inout RiskConfiguration) {
        for code in RiskReason.Code.allCases {
            let key = "risk.points.\(code.rawValue)"
            var points = risk.points[code]
            integer(key, range: -100...100, into: &points)
            risk.points[code] = points
        }
        decimal("risk.travel.max_speed_kmh", into: &risk.impossibleTravelSpeedKmh)
        decimal("risk.travel.min_distance_km", into: &risk.impossibleTravelMinimumDistanceKm)
        integer("risk.network.prefix_v4", range: 0...32, into: &risk.networkPrefixV4)
        integer("risk.network.prefix_v6", range: 0...128, into: &risk.networkPrefixV6)
        duration("risk.velocity.window", into: &risk.velocityWindow)
        integer("risk.velocity.limit", range: 1...1_000_000, into: &risk.velocityLimit)
        factor("risk.amount.over_maximum", into: &risk.amountOverMaximumFactor)
        factor("risk.amount.over_median", into: &risk.amountOverMedianFactor)
        duration("risk.amount.history", into: &risk.amountHistory)
        duration("risk.session.max_age", into: &risk.sessionMaxAge)
        duration("risk.session.max_idle", into: &risk.sessionMaxIdle)
        duration("risk.failures.window", into: &risk.failureWindow)
        integer("risk.failures.threshold", range: 1...1_000_000, into: &risk.failureThreshold)
        networks("risk.networks.allow", into: &risk.allowedNetworks)
        networks("risk.networks.deny", into: &risk.deniedNetworks)
        // A value refused above keeps its default, so these are the sign and cross-key checks only.
        problems += risk.problems
    }

    private mutating func decimal(_ key: String, into target: inout Double) {
        guard let (value, origin) = raw(key) else { return }
        guard let number = Double(value), number.isFinite, number >= 0 else {
            problems.append("\(key) (\(origin)): expected a number of at least 0")
            return
        }
        target = number
    }

    private mutating func factor(_ key: String, into target: inout Decimal) {
        guard let (value, origin) = raw(key) else { return }
        guard let text = DecimalText.canonical(value), let number = Decimal(string: text), number >= 1 else {
            problems.append("\(key) (\(origin)): expected a decimal factor of at least 1, such as 1.5")
            return
        }
        target = number
    }

    /// A list of networks, space- or comma-separated; `none` is the empty list when
    /// `allowsNone` is set.
    mutating func networks(_ key: String, allowsNone: Bool = false, into target: inout [IPNetwork]) {
        guard let (value, origin) = raw(key) else { return }
        if allowsNone, value.trimmingWhitespace() == "none" {
            target = []
            return
        }
        let texts = value.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        let (parsed, found) = RiskConfiguration.networks(texts, key: key)
        problems += found.map { "\($0) (\(origin))" }
        target = parsed
    }

    private static func readText(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).flatMap { String(bytes: $0, encoding: .utf8) }
    }
}
