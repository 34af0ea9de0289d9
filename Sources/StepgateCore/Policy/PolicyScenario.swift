public import Foundation

/// A described request for `stepgate policy explain`: what arrives, who sends it with what proof,
/// and what Stepgate knows of the user, given as `KEY=VALUE` words.
///
/// Request keys: `method` (default `GET`), `path` (required, with an optional `?query`), `host`,
/// `body` (JSON text). Proof keys: `acr` (no proof when absent), `auth_age` (a duration, default
/// 0), `amr` (space-separated). Risk keys, each optional: `ip` (default `192.0.2.1`), `country`
/// and `location` (`LAT,LON`) of the request, `accuracy_km`; `device` (`known`, `remembered`,
/// `unknown` or `absent`, default `known`), `fingerprint` (`same` or `changed`, default `same`); `last_ip`,
/// `last_location` (`LAT,LON`), `last_seen` (a duration ago, default `1h`), `countries` (codes
/// the user was seen in); `failures`, `recent_actions` (whole numbers); `amounts` (earlier
/// amounts of this action); `session_age`, `session_idle` (durations; without both there is no
/// session, as for a bearer token).
public struct PolicyScenario: Sendable {
    /// The keys a scenario may set.
    public static let keys: Set<String> = [
        "method", "path", "host", "body", "acr", "auth_age", "amr", "ip", "country", "location", "accuracy_km",
        "device", "fingerprint", "last_ip", "last_location", "last_seen", "countries", "failures",
        "recent_actions", "amounts", "session_age", "session_idle",
    ]

    /// The client address when none is given: TEST-NET-1 (RFC 5737), which is in no real network.
    // A constant literal that parses; a test checks it.
    public static let defaultAddress = IPAddress("192.0.2.1")!

    /// The request as the policy sees it.
    public let request: PolicyRequest
    /// The proof the request carries; nil for none.
    public let proof: AuthenticationProof?
    /// What the risk engine weighs, without the amount (the action decides which field it is).
    public let risk: RiskInput
    /// The time the scenario is evaluated at.
    public let now: Date

    /// Reads `words` (`KEY=VALUE` each) at `now`. Throws `PolicyLoadError` with every problem:
    /// a word without `=`, an unknown or repeated key, a value of the wrong shape, no `path`.
    public init(words: [String], now: Date) throws(PolicyLoadError) {
        var reader = ScenarioReader(now: now)
        for (position, word) in words.enumerated() { reader.add(word, position: position + 1) }
        guard let scenario = reader.read() else {
            throw PolicyLoadError(problems: reader.problems.map(\.text))
        }
        self = scenario
    }

    fileprivate init(request: PolicyRequest, proof: AuthenticationProof?, risk: RiskInput, now: Date) {
        self.request = request
        self.proof = proof
        self.risk = risk
        self.now = now
    }

    /// Whether `address` is the address `geolocate` should look up: the scenario names no
    /// `country` of its own.
    public var needsGeolocation: Bool { risk.geo == nil }

    /// A copy whose request geolocates to `location` (from a geolocation database).
    public func located(_ location: GeoLocation?) -> PolicyScenario {
        var risk = self.risk
        risk.geo = location
        return PolicyScenario(request: request, proof: proof, risk: risk, now: now)
    }
}

/// Collects `KEY=VALUE` words and turns them into a scenario, recording every problem.
private struct ScenarioReader {
    let now: Date
    var values: [String: String] = [:]
    var problems: [Problem] = []

    init(now: Date) {
        self.now = now
    }

    /// Adds the `position`th word (from 1). A word without `=` is not echoed: it may be a pasted secret.
    mutating func add(_ word: String, position: Int) {
        guard let equals = word.firstIndex(of: "=") else {
            problems.append(Problem(line: 0, "word \(position): expected KEY=VALUE"))
            return
        }
        let key = String(word[..<equals])
        guard PolicyScenario.keys.contains(key) else {
            problems.append(
                Problem(
                    line: 0,
                    "word \(position): unknown key; expected one of "
                        + PolicyScenario.keys.sorted().joined(separator: ", ")
                )
            )
            return
        }
        guard values.updateValue(String(word[word.index(after: equals)...]), forKey: key) == nil else {
            problems.append(Problem(line: 0, "\(key): given twice"))
            return
        }
    }

    mutating func read() -> PolicyScenario? {
        let path = values["path"] ?? ""
        if !path.hasPrefix("/") { report("path", "expected a path starting with '/'") }
        let request = PolicyRequest(
            method: values["method"] ?? "GET",
            target: path,
            host: values["host"],
            body: Array((values["body"] ?? "").utf8)
        )
        let proof = readProof()
        let input = RiskInput(
            clientAddress: address("ip") ?? PolicyScenario.defaultAddress,
            geo: readGeo(),
            device: readDevice(),
            history: readHistory(),
            session: readSession(),
            now: now
        )
        guard problems.isEmpty else { return nil }
        return PolicyScenario(request: request, proof: proof, risk: input, now: now)
    }

    private mutating func readProof() -> AuthenticationProof? {
        guard let acr = values["acr"] else {
            for key in ["auth_age", "amr"] where values[key] != nil { report(key, "needs acr as well") }
            return nil
        }
        let age = duration("auth_age") ?? 0
        let amr = (values["amr"] ?? "").split(separator: " ").map(String.init)
        return AuthenticationProof(acr: acr, authTime: now.addingTimeInterval(-age), amr: amr)
    }

    private mutating func readGeo() -> GeoLocation? {
        guard let country = values["country"] else {
            for key in ["location", "accuracy_km"] where values[key] != nil { report(key, "needs country as well") }
            return nil
        }
        guard country.count == 2, country.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            report("country", "expected a two-letter ISO 3166 code such as DE")
            return nil
        }
        return GeoLocation(countryCode: country, point: point("location"), accuracyRadiusKm: number("accuracy_km"))
    }

    private mutating func readDevice() -> RiskInput.Device {
        let cookie: RiskInput.DeviceCookie
        var remembered = false
        switch values["device"] {
        case nil, "known": cookie = .known
        case "remembered":
            cookie = .known
            remembered = true
        case "unknown": cookie = .unknown
        case "absent": cookie = .absent
        default:
            report("device", "expected known, remembered, unknown or absent")
            cookie = .known
        }
        var matches: Bool?
        switch values["fingerprint"] {
        case nil, "same": matches = cookie == .known ? true : nil
        case "changed": matches = cookie == .known ? false : nil
        default: report("fingerprint", "expected same or changed")
        }
        return RiskInput.Device(cookie: cookie, fingerprintMatches: matches, remembered: remembered)
    }

    private mutating func readHistory() -> RiskInput.History {
        var history = RiskInput.History()
        history.lastAddress = address("last_ip")
        if let point = point("last_location") {
            let ago = duration("last_seen") ?? 3600
            history.lastLocation = RiskInput.LastLocation(point: point, time: now.addingTimeInterval(-ago))
        } else if values["last_seen"] != nil {
            report("last_seen", "needs last_location as well")
        }
        if let text = values["countries"] {
            let codes = text.split(separator: " ").map { $0.uppercased() }
            if codes.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isLetter } }) {
                history.knownCountries = Set(codes)
            } else {
                report("countries", "expected two-letter country codes separated by spaces")
            }
        }
        history.recentFailures = count("failures") ?? 0
        history.recentHighRiskActions = count("recent_actions") ?? 0
        if let text = values["amounts"] {
            let amounts = text.split(separator: " ").map { DecimalText.plainDecimal(String($0)) }
            if amounts.allSatisfy({ $0 != nil }) {
                history.amounts = RiskInput.AmountHistory(amounts: amounts.compactMap { $0 })
            } else {
                report("amounts", "expected plain numbers separated by spaces, such as 10 25.50")
            }
        }
        return history
    }

    private mutating func readSession() -> RiskInput.Session? {
        switch (duration("session_age"), duration("session_idle")) {
        case (let age?, let idle?): return RiskInput.Session(age: age, idle: idle)
        case (nil, nil): return nil
        default:
            report("session_age", "session_age and session_idle go together")
            return nil
        }
    }

    private mutating func address(_ key: String) -> IPAddress? {
        guard let text = values[key] else { return nil }
        guard let address = IPAddress(text) else {
            report(key, "expected an IPv4 or IPv6 address")
            return nil
        }
        return address
    }

    private mutating func point(_ key: String) -> GeoPoint? {
        guard let text = values[key] else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let latitude = Double(parts[0]), let longitude = Double(parts[1]),
            let point = GeoPoint(latitude: latitude, longitude: longitude)
        else {
            report(key, "expected LATITUDE,LONGITUDE in degrees, such as 52.52,13.40")
            return nil
        }
        return point
    }

    private mutating func duration(_ key: String) -> TimeInterval? {
        guard let text = values[key] else { return nil }
        do {
            return try DurationText.parse(text)
        } catch {
            report(key, "\(error)")
            return nil
        }
    }

    private mutating func count(_ key: String) -> Int? {
        guard let text = values[key] else { return nil }
        guard let value = Int(text), value >= 0 else {
            report(key, "expected a whole number of 0 or more")
            return nil
        }
        return value
    }

    private mutating func number(_ key: String) -> Double? {
        guard let text = values[key] else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0 else {
            report(key, "expected a number of 0 or more")
            return nil
        }
        return value
    }

    private mutating func report(_ key: String, _ message: String) {
        problems.append(Problem(line: 0, "\(key): \(message)"))
    }
}
