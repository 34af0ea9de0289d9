/// Where an IP address is, as a geolocation database says: a country and perhaps a point.
public struct GeoLocation: Hashable, Sendable {
    /// ISO 3166-1 alpha-2 country code in upper case, such as `GB`.
    public var countryCode: String
    /// Approximate position, when the database has one.
    public var point: GeoPoint?
    /// Radius in kilometres around `point` within which the address likely is; nil when unknown.
    public var accuracyRadiusKm: Double?

    /// A location; `countryCode` is upper-cased.
    public init(countryCode: String, point: GeoPoint? = nil, accuracyRadiusKm: Double? = nil) {
        self.countryCode = countryCode.uppercased()
        self.point = point
        self.accuracyRadiusKm = accuracyRadiusKm
    }
}
