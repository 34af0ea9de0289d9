/// A CIDR network such as `10.0.0.0/8` or `2001:db8::/32`; `contains` is two integer operations.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The first address of the network; its host bits are zero.
    public let address: IPAddress
    /// Number of leading bits that name the network: 0 to 32 for IPv4, 0 to 128 for IPv6.
    public let prefixLength: Int
    private let mask: UInt128

    /// The network of `address` with `prefixLength` leading bits; nil when the length is out of
    /// range for the family or `address` has host bits set (`10.0.0.1/8` is refused, so a typo
    /// in an allow or deny list is reported rather than silently widened).
    public init?(address: IPAddress, prefixLength: Int) {
        let bits = address.family.bitCount
        guard prefixLength >= 0, prefixLength <= bits else { return nil }
        let mask = Self.mask(prefixLength: prefixLength, bits: bits)
        guard address.value & ~mask == 0 else { return nil }
        self.address = address
        self.prefixLength = prefixLength
        self.mask = mask
    }

    /// The network holding `address` when its host bits beyond `prefixLength` are cleared;
    /// nil when the length is out of range for the family.
    public init?(containing address: IPAddress, prefixLength: Int) {
        let bits = address.family.bitCount
        guard prefixLength >= 0, prefixLength <= bits else { return nil }
        let mask = Self.mask(prefixLength: prefixLength, bits: bits)
        let network =
            address.family == .v4
            ? IPAddress(ipv4: UInt32(truncatingIfNeeded: address.value & mask))
            : IPAddress(ipv6: address.value & mask)
        self.init(address: network, prefixLength: prefixLength)
    }

    /// Parses `ADDRESS/LENGTH`, or a bare address meaning a single host (`/32` or `/128`).
    ///
    /// nil for anything `IPAddress.init?(_:)` refuses, a length that is not 0 to the family's
    /// bit count in plain decimal, or an address with host bits set.
    public init?(_ text: some StringProtocol) {
        guard let slash = text.firstIndex(of: "/") else {
            guard let address = IPAddress(text) else { return nil }
            self.init(address: address, prefixLength: address.family.bitCount)
            return
        }
        let lengthText = text[text.index(after: slash)...]
        guard let address = IPAddress(text[..<slash]), (1...3).contains(lengthText.utf8.count),
            lengthText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            lengthText.utf8.count == 1 || lengthText.utf8.first != UInt8(ascii: "0"),
            let length = Int(lengthText)
        else { return nil }
        self.init(address: address, prefixLength: length)
    }

    /// True when `candidate` lies in this network.
    ///
    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) counts as its IPv4 address for an IPv4
    /// network, since dual-stack sockets report IPv4 clients that way. Other family mismatches
    /// are never contained.
    @inline(__always)
    public func contains(_ candidate: IPAddress) -> Bool {
        var candidate = candidate
        if candidate.family != address.family {
            candidate = candidate.unmappingIPv4
            guard candidate.family == address.family else { return false }
        }
        return candidate.value & mask == address.value
    }

    /// `ADDRESS/LENGTH` with the address in canonical text.
    public var description: String { "\(address)/\(prefixLength)" }

    private static func mask(prefixLength: Int, bits: Int) -> UInt128 {
        guard prefixLength > 0 else { return 0 }
        let ones: UInt128 = bits == 128 ? ~0 : (1 << bits) - 1
        return ones & ~(ones >> prefixLength)
    }
}
