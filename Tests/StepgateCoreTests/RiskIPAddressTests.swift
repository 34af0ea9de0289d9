import Testing

@testable import StepgateCore

@Suite struct RiskIPAddressTests {
    @Test(arguments: [
        ("0.0.0.0", UInt32(0)),
        ("192.0.2.1", UInt32(0xC000_0201)),
        ("255.255.255.255", UInt32.max),
        ("10.0.0.0", UInt32(0x0A00_0000)),
    ])
    func parse_acceptsIPv4(text: String, bits: UInt32) throws {
        let address = try #require(IPAddress(text))
        #expect(address == IPAddress(ipv4: bits))
        #expect(address.family == .v4)
        #expect(address.description == text)
    }

    static let ipv6Vectors: [(String, String, String)] = [
        ("::", "::", "0"),
        ("::1", "::1", "1"),
        ("2001:db8::1", "2001:db8::1", "20010db8000000000000000000000001"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1", "20010db8000000000000000000000001"),
        ("1::", "1::", "00010000000000000000000000000000"),
        ("fe80::1:2", "fe80::1:2", "fe800000000000000000000000010002"),
        ("::ffff:1.2.3.4", "::ffff:1.2.3.4", "00000000000000000000ffff01020304"),
        ("::FFFF:0102:0304", "::ffff:1.2.3.4", "00000000000000000000ffff01020304"),
        ("64:ff9b::192.0.2.33", "64:ff9b::c000:221", "0064ff9b0000000000000000c0000221"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", "00010002000300040005000600070008"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3", "00010000000000020000000000000003"),
        ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7", "00010000000200030004000500060007"),
    ]

    @Test(arguments: ipv6Vectors)
    func parse_acceptsIPv6(text: String, canonical: String, hexBits: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address == IPAddress(ipv6: try #require(UInt128(hexBits, radix: 16))))
        #expect(address.family == .v6)
        #expect(address.description == canonical)
    }

    @Test(arguments: [
        "", " 1.2.3.4", "1.2.3.4 ", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1", "01.2.3.4", "1.2.3.04",
        "1..2.3", "1.2.3.", ".1.2.3", "a.b.c.d", "1.2.3.4/24", "0x1.2.3.4", "１.2.3.4",
        ":", ":::", "::1::", "1:::2", ":1::2", "1::2:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
        "1:2:3:4::5:6:7:8", "12345::", "g::1", "fe80::1%eth0", "fe80::1%1", "[::1]", "::1/128",
        "::ffff:1.2.3", "::ffff:1.2.3.4:5", "1.2.3.4::", "::ffff:256.1.1.1", "1:2:3:4:5:6:7:1.2.3.4",
        String(repeating: "1", count: 46),
    ])
    func parse_refusesMalformed(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func unmappingIPv4_unwrapsMappedAddressesOnly() throws {
        #expect(try #require(IPAddress("::ffff:1.2.3.4")).unmappingIPv4 == IPAddress("1.2.3.4"))
        #expect(try #require(IPAddress("::1.2.3.4")).unmappingIPv4.family == .v6)
        #expect(try #require(IPAddress("1.2.3.4")).unmappingIPv4 == IPAddress("1.2.3.4"))
    }

    @Test func bytes_areNetworkOrder() throws {
        #expect(try #require(IPAddress("192.0.2.1")).bytes == [192, 0, 2, 1])
        #expect(
            try #require(IPAddress("2001:db8::ff")).bytes == [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11)
                + [0xff]
        )
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.255.255.255", true),
        ("10.0.0.0/8", "11.0.0.0", false),
        ("192.0.2.0/24", "192.0.2.0", true),
        ("192.0.2.0/24", "192.0.3.0", false),
        ("192.0.2.7", "192.0.2.7", true),
        ("192.0.2.7", "192.0.2.8", false),
        ("0.0.0.0/0", "203.0.113.9", true),
        ("0.0.0.0/0", "::1", false),
        ("192.0.2.0/24", "::ffff:192.0.2.9", true),
        ("2001:db8::/32", "2001:db8:ffff::1", true),
        ("2001:db8::/32", "2001:db9::", false),
        ("2001:db8::/32", "32.1.13.184", false),
        ("::/0", "::ffff:1.2.3.4", true),
        ("::1/128", "::1", true),
    ])
    func contains_matchesPrefix(network: String, address: String, expected: Bool) throws {
        let network = try #require(IPNetwork(network))
        #expect(network.contains(try #require(IPAddress(address))) == expected)
    }

    @Test(arguments: [
        "10.0.0.1/8", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/ 8",
        "10.0.0.0/8/8", "/8", "2001:db8::1/32", "fe80::%eth0/64", "10.0.0.0/1000",
    ])
    func parseNetwork_refusesMalformed(text: String) {
        #expect(IPNetwork(text) == nil)
    }

    @Test func parseNetwork_bareAddressIsSingleHost() throws {
        #expect(try #require(IPNetwork("192.0.2.1")).prefixLength == 32)
        #expect(try #require(IPNetwork("::1")).prefixLength == 128)
        #expect(try #require(IPNetwork("2001:db8::/32")).description == "2001:db8::/32")
    }

    @Test func initContaining_clearsHostBits() throws {
        let address = try #require(IPAddress("203.0.113.77"))
        #expect(IPNetwork(containing: address, prefixLength: 24)?.description == "203.0.113.0/24")
        #expect(IPNetwork(containing: address, prefixLength: 33) == nil)
    }
}
