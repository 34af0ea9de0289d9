import Foundation
import StepgateCore

/// Risk evaluation alone, per decision, with a realistic input: a known device, a 20-network
/// allow list and a 200-network deny list, geolocation with travel, a session and an amount.
enum RiskBenchmark {
    /// Mean microseconds per `RiskEngine.evaluate` over about `seconds`.
    static func microsecondsPerDecision(seconds: Double) throws -> Double {
        var configuration = RiskConfiguration()
        configuration.allowedNetworks = (0..<20).compactMap { IPNetwork("10.\($0).0.0/16") }
        configuration.deniedNetworks = (0..<200).compactMap { IPNetwork("2001:db8:\(String($0, radix: 16))::/48") }
        let engine = try RiskEngine(configuration: configuration)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let input = RiskInput(
            clientAddress: IPAddress("81.2.69.142")!,
            geo: GeoLocation(
                countryCode: "GB",
                point: GeoPoint(latitude: 51.5142, longitude: -0.0931),
                accuracyRadiusKm: 10
            ),
            device: .init(cookie: .known, fingerprintMatches: true),
            history: .init(
                lastAddress: IPAddress("81.2.69.7"),
                lastLocation: .init(
                    point: GeoPoint(latitude: 48.8566, longitude: 2.3522)!,
                    accuracyRadiusKm: 20,
                    time: now.addingTimeInterval(-3_000)
                ),
                knownCountries: ["GB", "FR", "DE"],
                recentFailures: 1,
                recentHighRiskActions: 2,
                amounts: .init(amounts: [25, 40, 60, 120, 80])
            ),
            session: .init(age: 5_400, idle: 2_000),
            amount: 950,
            currency: "EUR",
            now: now
        )
        var sink = 0
        let rate = try StepgateBench.rate(seconds) { sink &+= engine.evaluate(input).score }
        precondition(sink >= 0)
        return 1e6 / rate
    }
}
