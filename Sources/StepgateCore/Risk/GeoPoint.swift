import Foundation

/// A place on the Earth in decimal degrees (WGS 84, as IP geolocation databases give it).
public struct GeoPoint: Hashable, Sendable {
    /// Mean Earth radius in kilometres (IUGG), used by `distance(to:)`.
    public static let earthRadiusKm = 6371.0088

    /// Degrees north of the equator, -90 to 90.
    public let latitude: Double
    /// Degrees east of Greenwich, -180 to 180.
    public let longitude: Double

    /// A point; nil when either coordinate is not finite or outside its range.
    public init?(latitude: Double, longitude: Double) {
        guard latitude.isFinite, longitude.isFinite, abs(latitude) <= 90, abs(longitude) <= 180 else {
            return nil
        }
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Great-circle distance in kilometres by the haversine formula on a sphere of
    /// `earthRadiusKm`; within about 0.5% of the ellipsoidal distance.
    public func distance(to other: GeoPoint) -> Double {
        let radians = Double.pi / 180
        let lat1 = latitude * radians
        let lat2 = other.latitude * radians
        let sinLat = sin((lat2 - lat1) / 2)
        let sinLon = sin((other.longitude - longitude) * radians / 2)
        let h = sinLat * sinLat + cos(lat1) * cos(lat2) * sinLon * sinLon
        return 2 * Self.earthRadiusKm * asin(min(1, h.squareRoot()))
    }
}
