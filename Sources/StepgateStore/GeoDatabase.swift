internal import CMaxMindDB
public import StepgateCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A read-only IP geolocation database in MaxMind DB format (GeoLite2/GeoIP2 Country or City,
/// or any file with the same `country` and `location` keys), opened through libmaxminddb.
///
/// Open it once at startup and share it: lookups on an opened database only read the
/// memory-mapped file, so any number of threads may call `location(of:)` at once.
public final class GeoDatabase: @unchecked Sendable {
    // Safety for @unchecked Sendable: `handle` is written only in init and freed in deinit;
    // libmaxminddb documents lookups on an opened MMDB_s as thread-safe (they read the mmap).
    private let handle: UnsafeMutablePointer<MMDB_s>
    /// The file this database was opened from.
    public let path: String

    /// Opens and memory-maps the file at `path`.
    ///
    /// Throws `.unreadable` when the file cannot be opened or read and `.invalidFile` when it
    /// is not a MaxMind DB file (no metadata, unsupported version, inconsistent sizes).
    public init(path: String) throws(GeoDatabaseError) {
        let handle = UnsafeMutablePointer<MMDB_s>.allocate(capacity: 1)
        handle.initialize(to: MMDB_s())
        // Safety: libmaxminddb copies `path`; on failure it frees what it allocated inside the
        // struct itself, so only our allocation is left to release.
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), handle)
        guard status == MMDB_SUCCESS else {
            handle.deinitialize(count: 1)
            handle.deallocate()
            throw GeoDatabaseError(status: status, "open geolocation database \(path)")
        }
        self.handle = handle
        self.path = path
    }

    deinit {
        // Safety: no lookup can be running, since none holds a reference past deinit.
        MMDB_close(handle)
        handle.deinitialize(count: 1)
        handle.deallocate()
    }

    /// The country, point and accuracy radius the database holds for `address`; nil when the
    /// address is in no network of the file, has no country, or is IPv6 in an IPv4-only file.
    ///
    /// An IPv4-mapped IPv6 address is looked up as its IPv4 address. `country.iso_code` is read,
    /// falling back to `registered_country.iso_code`; `location.latitude`, `location.longitude`
    /// and `location.accuracy_radius` (km) when present and in range. Throws `.invalidFile` when
    /// the search tree or the data section is corrupt.
    public func location(of address: IPAddress) throws(GeoDatabaseError) -> GeoLocation? {
        var result = try lookUp(address.unmappingIPv4)
        guard result.found_entry else { return nil }
        var country = try string(&result.entry, "country", "iso_code")
        if country == nil { country = try string(&result.entry, "registered_country", "iso_code") }
        guard let country, country.utf8.count == 2, country.utf8.allSatisfy(Self.isASCIILetter) else {
            return nil
        }
        let latitude = try number(&result.entry, "location", "latitude")
        let longitude = try number(&result.entry, "location", "longitude")
        let radius = try number(&result.entry, "location", "accuracy_radius")
        let point = latitude.flatMap { latitude in longitude.flatMap { GeoPoint(latitude: latitude, longitude: $0) } }
        return GeoLocation(countryCode: country, point: point, accuracyRadiusKm: point == nil ? nil : radius)
    }

    private func lookUp(_ address: IPAddress) throws(GeoDatabaseError) -> MMDB_lookup_result_s {
        var status: Int32 = MMDB_SUCCESS
        let result: MMDB_lookup_result_s
        switch address.family {
        case .v4:
            var socket = sockaddr_in()
            socket.sin_family = sa_family_t(AF_INET)
            socket.sin_addr.s_addr = UInt32(truncatingIfNeeded: address.value).bigEndian
            result = withUnsafePointer(to: &socket) { pointer in
                // Safety: sockaddr_in starts with the sockaddr header; the pointer lives for the call.
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    MMDB_lookup_sockaddr(handle, $0, &status)
                }
            }
        case .v6:
            var socket = sockaddr_in6()
            socket.sin6_family = sa_family_t(AF_INET6)
            let bytes = address.bytes
            withUnsafeMutableBytes(of: &socket.sin6_addr) { $0.copyBytes(from: bytes) }
            result = withUnsafePointer(to: &socket) { pointer in
                // Safety: as above, for the IPv6 socket address.
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    MMDB_lookup_sockaddr(handle, $0, &status)
                }
            }
        }
        if status == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR { return MMDB_lookup_result_s() }
        guard status == MMDB_SUCCESS else { throw GeoDatabaseError(status: status, "look up an address") }
        return result
    }

    /// The UTF-8 string at `first`/`second`, nil when absent or of another type.
    private func string(
        _ entry: inout MMDB_entry_s,
        _ first: String,
        _ second: String
    ) throws(GeoDatabaseError) -> String? {
        guard let data = try value(&entry, first, second), data.type == UInt32(MMDB_DATA_TYPE_UTF8_STRING),
            let start = data.utf8_string
        else { return nil }
        // Safety: the string lies in the mapped file, which outlives this call; it is not
        // NUL-terminated, so exactly data_size bytes are read.
        let bytes = UnsafeRawBufferPointer(start: start, count: Int(data.data_size))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The number at `first`/`second` as a Double (double, float or unsigned integer types).
    private func number(
        _ entry: inout MMDB_entry_s,
        _ first: String,
        _ second: String
    ) throws(GeoDatabaseError) -> Double? {
        guard let data = try value(&entry, first, second) else { return nil }
        switch Int32(data.type) {
        case MMDB_DATA_TYPE_DOUBLE: return data.double_value
        case MMDB_DATA_TYPE_FLOAT: return Double(data.float_value)
        case MMDB_DATA_TYPE_UINT16: return Double(data.uint16)
        case MMDB_DATA_TYPE_UINT32: return Double(data.uint32)
        default: return nil
        }
    }

    private func value(
        _ entry: inout MMDB_entry_s,
        _ first: String,
        _ second: String
    ) throws(GeoDatabaseError) -> MMDB_entry_data_s? {
        var data = MMDB_entry_data_s()
        let status = stepgate_mmdb_get_value2(&entry, &data, first, second)
        switch status {
        case MMDB_SUCCESS: return data.has_data ? data : nil
        case MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR: return nil
        default: throw GeoDatabaseError(status: status, "read \(first).\(second)")
        }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}
