import Foundation
import Synchronization
import StepgateCore
import Testing

@testable import StepgateStore

/// Lookups in a small MaxMind DB file written by `MMDBWriter`, opened by the real libmaxminddb.
@Suite struct GeoDatabaseTests {
    static func city(_ country: String, _ latitude: Double, _ longitude: Double, radius: UInt16) -> MMDBWriter.Value {
        .map([
            ("country", .map([("iso_code", .string(country)), ("names", .map([("en", .string("x"))]))])),
            (
                "location",
                .map([
                    ("accuracy_radius", .uint16(radius)), ("latitude", .double(latitude)),
                    ("longitude", .double(longitude)),
                ])
            ),
        ])
    }

    static func sampleFile() -> [UInt8] {
        var writer = MMDBWriter()
        writer.insert(IPNetwork("81.2.69.0/24")!, city("GB", 51.5142, -0.0931, radius: 10))
        writer.insert(IPNetwork("2.125.160.0/20")!, .map([("country", .map([("iso_code", .string("GB"))]))]))
        writer.insert(IPNetwork("89.160.20.0/24")!, city("SE", 58.4167, 15.6167, radius: 76))
        writer.insert(IPNetwork("2001:218::/32")!, city("JP", 35.68536, 139.75309, radius: 100))
        writer.insert(
            IPNetwork("192.0.2.0/24")!,
            .map([("registered_country", .map([("iso_code", .string("NL"))]))])
        )
        writer.insert(IPNetwork("198.51.100.0/24")!, .map([("location", .map([("latitude", .double(1))]))]))
        return writer.build()
    }

    /// A fresh directory with `bytes` written to `name`.
    static func write(_ bytes: [UInt8], name: String = "test.mmdb") throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stepgate-geo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    let database: GeoDatabase

    init() throws {
        database = try GeoDatabase(path: Self.write(Self.sampleFile()))
    }

    func location(_ text: String) throws -> GeoLocation? {
        try database.location(of: try #require(IPAddress(text)))
    }

    @Test func location_readsCountryPointAndRadius() throws {
        let london = try #require(try location("81.2.69.142"))
        #expect(london.countryCode == "GB")
        #expect(london.point == GeoPoint(latitude: 51.5142, longitude: -0.0931))
        #expect(london.accuracyRadiusKm == 10)
        let sweden = try #require(try location("89.160.20.255"))
        #expect(sweden.countryCode == "SE")
        #expect(sweden.accuracyRadiusKm == 76)
    }

    @Test func location_coversTheWholeNetworkAndNoMore() throws {
        #expect(try location("2.125.160.0")?.countryCode == "GB")
        #expect(try location("2.125.175.255")?.countryCode == "GB")
        #expect(try location("2.125.176.0") == nil)
        #expect(try location("81.2.70.0") == nil)
    }

    @Test func location_countryOnlyHasNoPoint() throws {
        let location = try #require(try location("2.125.161.1"))
        #expect(location.countryCode == "GB")
        #expect(location.point == nil)
        #expect(location.accuracyRadiusKm == nil)
    }

    @Test func location_findsIPv6AndMappedIPv4() throws {
        let tokyo = try #require(try location("2001:218:1::7"))
        #expect(tokyo.countryCode == "JP")
        #expect(tokyo.point == GeoPoint(latitude: 35.68536, longitude: 139.75309))
        #expect(try location("2001:219::1") == nil)
        #expect(try location("::ffff:81.2.69.1")?.countryCode == "GB")
    }

    @Test func location_fallsBackToRegisteredCountry() throws {
        #expect(try location("192.0.2.1")?.countryCode == "NL")
    }

    @Test func location_missesAreNil() throws {
        #expect(try location("10.0.0.1") == nil)
        #expect(try location("::1") == nil)
        // A record without any country is no location.
        #expect(try location("198.51.100.1") == nil)
    }

    @Test func location_isSafeToShareAcrossThreads() throws {
        let addresses = try ["81.2.69.142", "89.160.20.1", "2001:218::1", "10.0.0.1"].map {
            try #require(IPAddress($0))
        }
        let expected = try addresses.map { try database.location(of: $0) }
        let shared = database
        let mismatches = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<2_000 {
                for (address, answer) in zip(addresses, expected) where (try? shared.location(of: address)) != answer {
                    mismatches.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(mismatches.load(ordering: .relaxed) == 0)
    }

    @Test func init_refusesAMissingFile() {
        let error = #expect(throws: GeoDatabaseError.self) {
            _ = try GeoDatabase(path: "/nonexistent/stepgate/test.mmdb")
        }
        #expect(error?.code == .unreadable)
        #expect(error?.detail.contains("/nonexistent/stepgate/test.mmdb") == true)
    }

    @Test(arguments: [
        [UInt8](),
        Array("not a MaxMind database at all".utf8),
        Array(sampleFile().prefix(200)),
    ])
    func init_refusesAFileThatIsNotAMaxMindDatabase(bytes: [UInt8]) throws {
        let path = try Self.write(bytes)
        let error = #expect(throws: GeoDatabaseError.self) { _ = try GeoDatabase(path: path) }
        #expect(error?.code == .invalidFile || error?.code == .unreadable)
    }

    @Test func init_refusesUnsupportedMetadata() throws {
        var file = Self.sampleFile()
        // Point the metadata's node count past the end of the file.
        let marker = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)
        let start = try #require(Self.lastRange(of: marker, in: file)).upperBound
        var metadata: [UInt8] = []
        MMDBWriter.encode(.map([("node_count", .uint32(0xFF_FFFF)), ("record_size", .uint16(24))]), into: &metadata)
        file.replaceSubrange(start..<file.count, with: metadata)
        let error = #expect(throws: GeoDatabaseError.self) { _ = try GeoDatabase(path: Self.write(file)) }
        #expect(error?.code == .invalidFile)
    }

    @Test func location_reportsACorruptSearchTree() throws {
        var file = Self.sampleFile()
        // Node 0's left record (every IPv4 address) now points far past the data section.
        file.replaceSubrange(0..<3, with: [0xFF, 0xFF, 0xF0])
        let corrupt = try GeoDatabase(path: Self.write(file))
        let error = #expect(throws: GeoDatabaseError.self) {
            _ = try corrupt.location(of: IPAddress("81.2.69.142")!)
        }
        #expect(error?.code == .invalidFile)
    }

    static func lastRange(of marker: [UInt8], in file: [UInt8]) -> Range<Int>? {
        stride(from: file.count - marker.count, through: 0, by: -1)
            .first { Array(file[$0..<($0 + marker.count)]) == marker }
            .map { $0..<($0 + marker.count) }
    }
}
