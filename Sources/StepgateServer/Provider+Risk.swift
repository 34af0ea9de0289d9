import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// Who a decision is about, as the request's credentials say.
enum DecisionCredential: Sendable {
    /// A browser session, signed in or not.
    case session(SessionContext)
    /// A verified access token of this provider, whose user is enabled.
    case token(AccessTokenClaims)
    /// Neither a session cookie nor a bearer token.
    case none

    var userID: String? {
        switch self {
        case .session(let session): session.record.userID
        case .token(let claims): claims.subject
        case .none: nil
        }
    }
}

/// What one decision has gathered about the request before the policy runs.
struct DecisionContext: Sendable {
    let forwarded: ForwardedRequest
    let credential: DecisionCredential
    /// What the store held for the credential's user when the decision began; empty without one.
    let snapshot: DecisionSnapshot
    let clientAddress: IPAddress
    let geo: GeoLocation?
    /// SHA-256 of the device cookie's value; nil when the request carries none.
    let deviceIDHash: [UInt8]?
    let requestID: String
    let now: Date

    /// The request's device fingerprint; worked out only when a known device is compared.
    var fingerprint: String {
        DeviceFingerprint.compute(userAgent: forwarded.userAgent, acceptLanguage: forwarded.acceptLanguage)
    }
}

extension Provider {
    /// `__Host-` prefixed over https, like the session cookie.
    var deviceCookieName: String { configuration.isSecure ? "__Host-stepgate_device" : "stepgate_device" }

    /// The hash of the request's device cookie, when it holds a value of the right shape.
    func deviceIDHash(_ cookies: [String: String]) -> [UInt8]? {
        guard let value = cookies[deviceCookieName], (20...128).contains(value.utf8.count) else { return nil }
        return SecretHash.hash(value)
    }

    /// After an accepted answer: records this browser as a device of `userID`, with the traits
    /// it sends, and gives it a device cookie when it has none. The risk engine then knows it.
    func rememberDevice(_ request: HTTPRequest, userID: String) throws -> SetCookie? {
        let fingerprint = DeviceFingerprint.compute(
            userAgent: request.headers["User-Agent"] ?? "",
            acceptLanguage: request.headers["Accept-Language"] ?? ""
        )
        if let hash = deviceIDHash(request.cookies) {
            try store.rememberDevice(userID: userID, deviceIDHash: hash, fingerprint: fingerprint, at: clock.now)
            return nil
        }
        let value = random.token(byteCount: 32)
        try store.rememberDevice(
            userID: userID,
            deviceIDHash: SecretHash.hash(value),
            fingerprint: fingerprint,
            at: clock.now
        )
        return try SetCookie(
            name: deviceCookieName,
            value: value,
            path: "/",
            maxAge: Int(configuration.deviceCookieLifetime),
            httpOnly: true,
            secure: configuration.isSecure,
            sameSite: .lax
        )
    }

    /// Where the client address is, when a geolocation database is configured and knows it.
    ///
    /// A failed lookup (a corrupt database) is logged and leaves the geo signals absent.
    func geolocation(_ address: IPAddress, requestID: String) -> GeoLocation? {
        guard let geoDatabase else { return nil }
        do {
            return try geoDatabase.location(of: address)
        } catch {
            logger.error(
                "geolocation lookup failed",
                [LogKey.requestID: requestID, LogKey.error: error.code.description]
            )
            return nil
        }
    }

    /// Everything the risk engine weighs for `context` under `action`, from the decision's store
    /// snapshot (which read the history this action needs: see `historyQuery`).
    ///
    /// Without a known user there is no history: the device counts as new and the other
    /// history signals are absent.
    func riskInput(_ context: DecisionContext, action: PolicyAction, amount: Decimal?) -> RiskInput {
        var input = RiskInput(
            clientAddress: context.clientAddress,
            geo: context.geo,
            device: RiskInput.Device(cookie: context.deviceIDHash == nil ? .absent : .unknown),
            amount: amount,
            now: context.now
        )
        if case .session(let session) = context.credential {
            input.session = RiskInput.Session(
                age: context.now.timeIntervalSince(session.record.createdAt),
                idle: context.now.timeIntervalSince(session.record.lastSeenAt)
            )
        }
        guard context.credential.userID != nil else { return input }

        let snapshot = context.snapshot
        if context.deviceIDHash != nil, let device = snapshot.device {
            input.device = RiskInput.Device(
                cookie: .known,
                fingerprintMatches: device.fingerprint == context.fingerprint,
                remembered: (device.rememberedUntil ?? .distantPast) > context.now
            )
        }
        var history = RiskInput.History()
        if let state = snapshot.riskState {
            history.lastAddress = state.lastIP.flatMap { IPAddress($0) }
            if let latitude = state.lastLatitude, let longitude = state.lastLongitude,
                let point = GeoPoint(latitude: latitude, longitude: longitude)
            {
                history.lastLocation = RiskInput.LastLocation(
                    point: point,
                    accuracyRadiusKm: state.lastAccuracyKm,
                    time: state.lastSeenAt
                )
            }
            history.knownCountries = Set(state.countries)
        }
        history.recentFailures = snapshot.failureCount
        history.recentHighRiskActions = snapshot.recentActions.count
        if action.amount != nil {
            // Known gap: amounts of every currency are compared together; an action's history
            // in yen makes a euro amount look small. The policy has no currency field yet.
            history.amounts = RiskInput.AmountHistory(
                amounts: snapshot.amountHistory.compactMap { $0.amount.flatMap(DecimalText.plainDecimal) }
            )
        }
        input.history = history
        return input
    }

    /// After an allowed request: the user's last address and location, and for a high-risk
    /// action (above the lowest level, or bound) one more entry in the velocity and amount
    /// history. Written only when something changed or a minute has passed, so that the hot path
    /// of repeated requests reads and does not write.
    ///
    /// "Changed" is judged against the risk state of the decision's snapshot. Two requests of
    /// one user racing from different places could each keep the other's update out, as with a
    /// fresh read just before the write: the state is a hint for scoring, last writer wins.
    func recordAllowed(
        _ context: DecisionContext,
        requirement: PolicyRequirement,
        amount: String?,
        userID: String
    ) throws {
        let now = context.now
        let lowest = configuration.policy?.levels.first
        if requirement.level != lowest || requirement.transaction != nil, let action = requirement.action {
            try store.recordAction(ActionRecord(userID: userID, action: action, amount: amount, at: now))
        }
        let previous = context.snapshot.riskState
        let address = context.clientAddress.unmappingIPv4.description
        let country = context.geo?.countryCode
        if let previous, previous.lastIP == address, previous.lastCountry == country,
            now.timeIntervalSince(previous.lastSeenAt) < 60
        {
            return
        }
        var countries = previous?.countries ?? []
        if let country, !countries.contains(country) { countries.append(country) }
        let point = context.geo?.point
        try store.saveRiskState(
            RiskStateRecord(
                userID: userID,
                lastIP: address,
                // The location of this request only: an older point with this request's time
                // would make travel look slower or faster than it was.
                lastCountry: country,
                lastLatitude: point?.latitude,
                lastLongitude: point?.longitude,
                lastAccuracyKm: point == nil ? nil : context.geo?.accuracyRadiusKm,
                lastSeenAt: now,
                countries: countries
            )
        )
    }
}
