/// An IPv4 or IPv6 address, parsed from its text form without Foundation networking.
///
/// Held as 128 bits plus the family, so comparisons and network checks are a few integer
/// operations. An IPv4 address keeps its 32 bits in the low end of `value`; an IPv4-mapped
/// IPv6 address (`::ffff:1.2.3.4`) stays IPv6 until `unmappingIPv4` is asked for.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// Which protocol the address belongs to.
    public enum Family: Sendable, Hashable {
        case v4
        case v6

        /// Number of bits in an address of this family: 32 or 128.
        public var bitCount: Int { self == .v4 ? 32 : 128 }
    }

    /// The family of the address.
    public let family: Family
    /// The address bits, most significant first; an IPv4 address uses the low 32 bits only.
    public let value: UInt128

    /// An IPv4 address from its 32 bits, most significant octet first.
    public init(ipv4 bits: UInt32) {
        family = .v4
        value = UInt128(bits)
    }

    /// An IPv6 address from its 128 bits.
    public init(ipv6 bits: UInt128) {
        family = .v6
        value = bits
    }

    /// Parses dotted-quad IPv4 (`192.0.2.1`) or IPv6 text (RFC 4291 §2.2: `2001:db8::1`, `::1`,
    /// `::ffff:192.0.2.1`); nil for anything else.
    ///
    /// Refused: empty text, surrounding spaces, brackets, zone IDs (`fe80::1%eth0`), prefix
    /// lengths, IPv4 octets with leading zeros (`010`, ambiguous with octal) or above 255, and
    /// IPv6 with more than one `::`, more than eight groups or groups of more than four digits.
    public init?(_ text: some StringProtocol) {
        let parsed = text.utf8.withContiguousStorageIfAvailable { IPAddressParser.parse($0) }
        guard let address = parsed ?? IPAddressParser.parse(Array(text.utf8)) else { return nil }
        self = address
    }

    /// The embedded IPv4 address when this is IPv4-mapped IPv6 (`::ffff:0:0/96`), else `self`.
    public var unmappingIPv4: IPAddress {
        guard family == .v6, value >> 32 == 0xFFFF else { return self }
        return IPAddress(ipv4: UInt32(truncatingIfNeeded: value))
    }

    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    public var bytes: [UInt8] {
        let count = family == .v4 ? 4 : 16
        return (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * (count - 1 - $0))) }
    }

    /// Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`,
    /// IPv4-mapped addresses as `::ffff:a.b.c.d`).
    public var description: String {
        if family == .v4 { return Self.dottedQuad(UInt32(truncatingIfNeeded: value)) }
        if value >> 32 == 0xFFFF { return "::ffff:" + Self.dottedQuad(UInt32(truncatingIfNeeded: value)) }
        let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> (16 * (7 - $0))) }
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > bestLength { (bestStart, bestLength) = (index, end - index) }
            index = end
        }
        func hex(_ slice: ArraySlice<UInt16>) -> String {
            slice.map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }

    private static func dottedQuad(_ bits: UInt32) -> String {
        "\(bits >> 24).\((bits >> 16) & 0xFF).\((bits >> 8) & 0xFF).\(bits & 0xFF)"
    }
}

/// The byte-level parser behind `IPAddress.init?(_:)`; allocates nothing.
enum IPAddressParser {
    private static let colon = UInt8(ascii: ":")
    private static let dot = UInt8(ascii: ".")

    static func parse(_ text: some RandomAccessCollection<UInt8>) -> IPAddress? {
        // The longest valid form, IPv6 with an embedded IPv4, has 45 characters.
        guard !text.isEmpty, text.count <= 45 else { return nil }
        if text.contains(colon) { return parseIPv6(text).map { IPAddress(ipv6: $0) } }
        return parseIPv4(text).map { IPAddress(ipv4: $0) }
    }

    /// Four decimal octets 0 to 255 separated by dots, without leading zeros.
    static func parseIPv4(_ text: some Collection<UInt8>) -> UInt32? {
        var result: UInt32 = 0
        var octets = 0
        var current: UInt32 = 0
        var digits = 0
        var leadingZero = false
        for byte in text {
            if byte == dot {
                guard digits > 0, octets < 3 else { return nil }
                result = result << 8 | current
                octets += 1
                (current, digits, leadingZero) = (0, 0, false)
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), !leadingZero else { return nil }
            if digits == 0 && byte == UInt8(ascii: "0") { leadingZero = true }
            current = current * 10 + UInt32(byte - UInt8(ascii: "0"))
            digits += 1
            guard current <= 255 else { return nil }
        }
        guard digits > 0, octets == 3 else { return nil }
        return result << 8 | current
    }

    /// RFC 4291 §2.2 text: up to eight groups of one to four hex digits, at most one `::`,
    /// optionally ending in a dotted-quad IPv4 address worth two groups.
    static func parseIPv6<Bytes: RandomAccessCollection<UInt8>>(_ text: Bytes) -> UInt128? {
        var head: UInt128 = 0
        var headGroups = 0
        var tail: UInt128 = 0
        var tailGroups = 0
        var compressed = false
        var index = text.startIndex
        if text[index] == colon {
            // Only `::` may open the text; a single leading colon is malformed.
            index = text.index(after: index)
            guard index != text.endIndex, text[index] == colon else { return nil }
            compressed = true
            index = text.index(after: index)
            if index == text.endIndex { return 0 }
        }
        while true {
            let groupStart = index
            var group: UInt128 = 0
            var digits = 0
            while index != text.endIndex, let nibble = hexValue(text[index]) {
                group = group << 4 | UInt128(nibble)
                digits += 1
                index = text.index(after: index)
            }
            var width = 1
            if index != text.endIndex && text[index] == dot {
                // An embedded IPv4 address ends the text and fills the last two groups.
                guard let ipv4 = parseIPv4(text[groupStart...]) else { return nil }
                group = UInt128(ipv4)
                width = 2
                index = text.endIndex
            } else {
                guard digits >= 1, digits <= 4 else { return nil }
            }
            if compressed {
                tail = tail << (16 * width) | group
                tailGroups += width
            } else {
                head = head << (16 * width) | group
                headGroups += width
            }
            guard headGroups + tailGroups <= 8 else { return nil }
            if index == text.endIndex { break }
            guard text[index] == colon else { return nil }
            index = text.index(after: index)
            guard index != text.endIndex else { return nil }
            if text[index] == colon {
                guard !compressed else { return nil }
                compressed = true
                index = text.index(after: index)
                if index == text.endIndex { break }
            }
        }
        let groups = headGroups + tailGroups
        guard compressed ? groups <= 7 : groups == 8 else { return nil }
        return head << (16 * (8 - headGroups)) | tail
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
