import Testing

@testable import StepgateCore

@Suite struct RiskGeoTests {
    /// Published great-circle distances (spherical), with a 0.5% tolerance for the radius used.
    @Test(arguments: [
        // Nashville BNA to Los Angeles LAX: 2886.4 km (the classic haversine example, R = 6372.8).
        (36.12, -86.67, 33.94, -118.40, 2886.4),
        // London to Paris: about 343.5 km.
        (51.5074, -0.1278, 48.8566, 2.3522, 343.5),
        // Sydney to Santiago de Chile: about 11,350 km.
        (-33.8688, 151.2093, -33.4489, -70.6693, 11_350.0),
    ])
    func distance_matchesKnownDistances(lat1: Double, lon1: Double, lat2: Double, lon2: Double, km: Double) throws {
        let a = try #require(GeoPoint(latitude: lat1, longitude: lon1))
        let b = try #require(GeoPoint(latitude: lat2, longitude: lon2))
        #expect(abs(a.distance(to: b) - km) < km * 0.005)
        #expect(a.distance(to: b) == b.distance(to: a))
    }

    @Test func distance_isZeroForSamePointAndHalfCircumferenceForAntipodes() throws {
        let a = try #require(GeoPoint(latitude: 10, longitude: 20))
        let antipode = try #require(GeoPoint(latitude: -10, longitude: -160))
        #expect(a.distance(to: a) == 0)
        #expect(abs(a.distance(to: antipode) - Double.pi * GeoPoint.earthRadiusKm) < 0.001)
    }

    @Test(arguments: [(91.0, 0.0), (-91.0, 0.0), (0.0, 180.5), (Double.nan, 0.0), (0.0, Double.infinity)])
    func init_refusesOutOfRange(latitude: Double, longitude: Double) {
        #expect(GeoPoint(latitude: latitude, longitude: longitude) == nil)
    }

    @Test func geoLocation_upperCasesCountry() {
        #expect(GeoLocation(countryCode: "gb").countryCode == "GB")
    }

    @Test func fingerprint_isShortStableAndSeparatesTraits() {
        let one = DeviceFingerprint.compute(userAgent: "Mozilla/5.0 Firefox", acceptLanguage: "en-GB")
        #expect(one.count == 16)
        #expect(one.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(one == DeviceFingerprint.compute(userAgent: "Mozilla/5.0 Firefox", acceptLanguage: "en-GB"))
        #expect(one != DeviceFingerprint.compute(userAgent: "Mozilla/5.0 Firefox", acceptLanguage: "en-US"))
        // Moving text across the trait boundary changes the fingerprint.
        #expect(
            DeviceFingerprint.compute(userAgent: "ab", acceptLanguage: "c")
                != DeviceFingerprint.compute(userAgent: "a", acceptLanguage: "bc")
        )
    }

    @Test func fingerprint_isFirstEightBytesOfSHA256() {
        // SHA-256("ua\0lang\0\0\0") computed independently: printf 'ua\0lang\0\0\0' | sha256sum
        #expect(DeviceFingerprint.compute(userAgent: "ua", acceptLanguage: "lang") == Self.expectedUALang)
    }

    static let expectedUALang = "5dbb0051334b6407"
}
