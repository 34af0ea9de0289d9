import Foundation

/// Scores the risk of one request from signals, deterministically and without I/O.
///
/// The same input and configuration always give the same assessment: no clock is read (the
/// input carries `now`), nothing is random, and signals are evaluated in `RiskReason.Code`
/// order. Safe to share across threads; `evaluate` allocates only the result's two arrays and
/// the sentences of the signals that fire.
public struct RiskEngine: Sendable {
    /// The weights and thresholds in use; validated.
    public let configuration: RiskConfiguration

    /// An engine with the default configuration.
    public init() {
        configuration = RiskConfiguration()
    }

    /// An engine with `configuration`; throws listing every problem when it is not valid.
    public init(configuration: RiskConfiguration) throws(RiskConfigurationError) {
        self.configuration = try configuration.validated()
    }

    /// The assessment of `input`: the clamped score, the fired reasons, every signal and
    /// whether a deny-listed network matched.
    public func evaluate(_ input: RiskInput) -> RiskAssessment {
        var evaluation = Evaluation(points: configuration.points)
        evaluateDevice(input.device, into: &evaluation)
        evaluateNetwork(input, into: &evaluation)
        evaluateGeo(input, into: &evaluation)
        evaluateSession(input.session, into: &evaluation)
        evaluateHistory(input.history, into: &evaluation)
        evaluateAmount(input, into: &evaluation)
        return RiskAssessment(
            score: evaluation.total,
            reasons: evaluation.reasons,
            signals: evaluation.signals,
            denied: evaluation.denied
        )
    }

    private func evaluateDevice(_ device: RiskInput.Device, into evaluation: inout Evaluation) {
        switch device.cookie {
        case .known:
            evaluation.quiet(.deviceNew, "The device is one this account has used before.")
        case .unknown:
            evaluation.fire(.deviceNew, "The device is not one this account has used before.")
        case .absent:
            evaluation.fire(.deviceNew, "The browser or device has not been seen before: it has no device cookie.")
        }
        switch (device.cookie, device.fingerprintMatches) {
        case (.known, false):
            evaluation.fire(
                .deviceFingerprintChanged,
                "The device sends different browser traits than were recorded for it."
            )
        case (.known, true):
            evaluation.quiet(.deviceFingerprintChanged, "The device's browser traits match those recorded for it.")
        case (.known, nil):
            evaluation.absent(.deviceFingerprintChanged, "No browser traits are recorded for this device.")
        case (.unknown, _), (.absent, _):
            evaluation.absent(.deviceFingerprintChanged, "There is no known device to compare browser traits with.")
        }
        // A remembered device whose traits changed is not trusted: the cookie may have been copied.
        if device.cookie == .known, device.remembered, device.fingerprintMatches != false {
            evaluation.fire(.deviceRemembered, "The user asked to remember this browser.")
        } else {
            evaluation.quiet(.deviceRemembered, "This browser is not one the user asked to remember.")
        }
    }

    private func evaluateNetwork(_ input: RiskInput, into evaluation: inout Evaluation) {
        let client = input.clientAddress.unmappingIPv4
        if let last = input.history.lastAddress?.unmappingIPv4 {
            let prefix = last.family == .v4 ? configuration.networkPrefixV4 : configuration.networkPrefixV6
            // The prefix was validated against the family's bit count, so this always succeeds.
            let network = IPNetwork(containing: last, prefixLength: prefix)
            if let network, network.contains(client) {
                evaluation.quiet(.networkChanged, "The address is in the same network as the previous request.")
            } else {
                evaluation.fire(
                    .networkChanged,
                    "The request comes from \(client), outside the network of the previous request "
                        + "(\(network.map(String.init(describing:)) ?? last.description))."
                )
            }
        } else {
            evaluation.absent(.networkChanged, "No earlier address is known for this account.")
        }
        // Known gap: allow and deny lists are scanned linearly (about 1 ns per network); lists of
        // many thousands of networks would need a prefix trie to stay inside the 20 µs budget.
        if let network = configuration.allowedNetworks.first(where: { $0.contains(client) }) {
            evaluation.fire(.networkAllowed, "The request comes from the allow-listed network \(network).")
        } else {
            evaluation.quiet(.networkAllowed, "The address is in no allow-listed network.")
        }
        if let network = configuration.deniedNetworks.first(where: { $0.contains(client) }) {
            evaluation.fire(.networkDenied, "The request comes from the deny-listed network \(network).")
            evaluation.denied = true
        } else {
            evaluation.quiet(.networkDenied, "The address is in no deny-listed network.")
        }
    }

    private func evaluateGeo(_ input: RiskInput, into evaluation: inout Evaluation) {
        guard let geo = input.geo else {
            evaluation.absent(.geoNewCountry, "No geolocation is known for this address.")
            evaluation.absent(.geoImpossibleTravel, "No geolocation is known for this address.")
            return
        }
        let known = input.history.knownCountries
        if known.isEmpty {
            evaluation.absent(.geoNewCountry, "No countries are recorded for this account yet.")
        } else if known.contains(geo.countryCode) {
            evaluation.quiet(.geoNewCountry, "The account has been used from this country before.")
        } else {
            evaluation.fire(
                .geoNewCountry,
                "The request comes from a country this account has not been used from (\(geo.countryCode))."
            )
        }
        evaluateTravel(to: geo, input: input, into: &evaluation)
    }

    /// Impossible travel: the distance between the two points, less both accuracy radii, must
    /// be at least the minimum distance and need more than the maximum speed over the time since.
    private func evaluateTravel(to geo: GeoLocation, input: RiskInput, into evaluation: inout Evaluation) {
        guard let point = geo.point, let last = input.history.lastLocation else {
            evaluation.absent(.geoImpossibleTravel, "There are not two located points to compare.")
            return
        }
        let margin = (geo.accuracyRadiusKm ?? 0) + (last.accuracyRadiusKm ?? 0)
        let distance = max(0, point.distance(to: last.point) - margin)
        let seconds = max(0, input.now.timeIntervalSince(last.time))
        let speed = seconds > 0 ? distance / (seconds / 3600) : .infinity
        guard distance >= configuration.impossibleTravelMinimumDistanceKm,
            speed > configuration.impossibleTravelSpeedKmh
        else {
            evaluation.quiet(
                .geoImpossibleTravel,
                "The distance from the last known location is believable in the time since."
            )
            return
        }
        evaluation.fire(
            .geoImpossibleTravel,
            "Reaching \(geo.countryCode) from the last known location means at least \(Int(distance)) km in "
                + "\(Self.spoken(seconds)), faster than \(Int(configuration.impossibleTravelSpeedKmh)) km/h."
        )
    }

    private func evaluateSession(_ session: RiskInput.Session?, into evaluation: inout Evaluation) {
        guard let session else {
            evaluation.absent(.sessionOld, "The request carries no session.")
            evaluation.absent(.sessionIdle, "The request carries no session.")
            return
        }
        if session.age > configuration.sessionMaxAge {
            evaluation.fire(
                .sessionOld,
                "The session is \(Self.spoken(session.age)) old, longer than "
                    + "\(Self.spoken(configuration.sessionMaxAge))."
            )
        } else {
            evaluation.quiet(.sessionOld, "The session is younger than the age limit.")
        }
        if session.idle > configuration.sessionMaxIdle {
            evaluation.fire(
                .sessionIdle,
                "The session was idle for \(Self.spoken(session.idle)), longer than "
                    + "\(Self.spoken(configuration.sessionMaxIdle))."
            )
        } else {
            evaluation.quiet(.sessionIdle, "The session was in use recently.")
        }
    }

    private func evaluateHistory(_ history: RiskInput.History, into evaluation: inout Evaluation) {
        if history.recentFailures >= configuration.failureThreshold {
            evaluation.fire(
                .authRecentFailures,
                "There were \(history.recentFailures) failed sign-in attempts in the last "
                    + "\(Self.spoken(configuration.failureWindow))."
            )
        } else {
            evaluation.quiet(.authRecentFailures, "There were few or no recent failed sign-in attempts.")
        }
        if history.recentHighRiskActions >= configuration.velocityLimit {
            evaluation.fire(
                .velocityHigh,
                "This account already performed \(history.recentHighRiskActions) high-risk actions in the last "
                    + "\(Self.spoken(configuration.velocityWindow)); the limit is \(configuration.velocityLimit)."
            )
        } else {
            evaluation.quiet(.velocityHigh, "The account performed few high-risk actions recently.")
        }
    }

    private func evaluateAmount(_ input: RiskInput, into evaluation: inout Evaluation) {
        guard let amount = input.amount else {
            evaluation.absent(.amountUnusual, "The action has no amount.")
            evaluation.absent(.amountFirst, "The action has no amount.")
            return
        }
        let history = input.history.amounts
        let money = input.currency.map { "\(amount) \($0)" } ?? "\(amount)"
        guard history.count > 0 else {
            evaluation.absent(.amountUnusual, "There is no earlier amount to compare with.")
            evaluation.fire(.amountFirst, "This is the first amount for this action on this account (\(money)).")
            return
        }
        if amount > history.maximum * configuration.amountOverMaximumFactor {
            evaluation.fire(
                .amountUnusual,
                "The amount \(money) is more than \(configuration.amountOverMaximumFactor) times the largest "
                    + "earlier amount (\(history.maximum))."
            )
        } else if amount > history.median * configuration.amountOverMedianFactor {
            evaluation.fire(
                .amountUnusual,
                "The amount \(money) is more than \(configuration.amountOverMedianFactor) times the usual "
                    + "amount (median \(history.median))."
            )
        } else {
            evaluation.quiet(.amountUnusual, "The amount is in line with earlier amounts.")
        }
        evaluation.quiet(.amountFirst, "There are earlier amounts for this action.")
    }

    /// A duration in whole seconds, minutes, hours or days, for sentences.
    static func spoken(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded(.down))
        switch whole {
        case ..<120: return "\(whole) seconds"
        case ..<7_200: return "\(whole / 60) minutes"
        case ..<172_800: return "\(whole / 3_600) hours"
        default: return "\(whole / 86_400) days"
        }
    }
}

/// The signals and reasons of one evaluation as they accumulate.
private struct Evaluation {
    let points: RiskPoints
    var signals: [RiskSignal] = []
    var reasons: [RiskReason] = []
    var total = 0
    var denied = false

    init(points: RiskPoints) {
        self.points = points
        signals.reserveCapacity(RiskReason.Code.allCases.count)
    }

    mutating func fire(_ code: RiskReason.Code, _ sentence: String) {
        let value = points[code]
        signals.append(RiskSignal(code: code, outcome: .fired, points: value, note: sentence))
        reasons.append(RiskReason(code: code, points: value, sentence: sentence))
        total += value
    }

    mutating func quiet(_ code: RiskReason.Code, _ note: String) {
        signals.append(RiskSignal(code: code, outcome: .quiet, points: 0, note: note))
    }

    mutating func absent(_ code: RiskReason.Code, _ note: String) {
        signals.append(RiskSignal(code: code, outcome: .absent, points: 0, note: note))
    }
}
