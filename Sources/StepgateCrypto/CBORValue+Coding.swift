extension CBORValue {
    /// The nesting depth allowed by default: arrays, maps and tags inside each other.
    public static let defaultMaxDepth = 16
    /// The number of data items allowed by default in one decoded value, nested ones included.
    public static let defaultMaxItems = 4096

    /// The one item that `bytes` holds, with nothing after it.
    ///
    /// Throws `CBORError`: `.trailingBytes` when bytes follow the item, and otherwise as
    /// `decodePrefix` does.
    public static func decode(
        _ bytes: [UInt8],
        maxDepth: Int = defaultMaxDepth,
        maxItems: Int = defaultMaxItems
    ) throws(CBORError) -> CBORValue {
        let (value, consumed) = try decodePrefix(of: bytes[...], maxDepth: maxDepth, maxItems: maxItems)
        guard consumed == bytes.count else { throw CBORError(.trailingBytes, offset: consumed) }
        return value
    }

    /// The first item in `bytes` and how many bytes it took; what follows is left unread.
    ///
    /// For formats that put an item before other data, as authenticator data puts a COSE key
    /// before its extensions. Offsets in errors count from `bytes.startIndex`. Throws
    /// `CBORError` for truncated or malformed input, indefinite lengths, nesting past
    /// `maxDepth`, more than `maxItems` items, duplicate map keys and invalid UTF-8 text.
    /// Decoding recurses once per nesting level, so keep `maxDepth` small.
    public static func decodePrefix(
        of bytes: ArraySlice<UInt8>,
        maxDepth: Int = defaultMaxDepth,
        maxItems: Int = defaultMaxItems
    ) throws(CBORError) -> (value: CBORValue, consumed: Int) {
        var decoder = CBORDecoder(bytes, maxDepth: maxDepth, maxItems: maxItems)
        let value = try decoder.decodeItem()
        return (value, decoder.consumed)
    }

    /// The item encoded as CBOR, with the shortest head for every integer, length and count.
    ///
    /// Map pairs are written in their order here (callers that need CTAP2 canonical order
    /// build maps in that order); floats are always written in double precision.
    public func encoded() -> [UInt8] {
        var output: [UInt8] = []
        write(to: &output)
        return output
    }

    private func write(to output: inout [UInt8]) {
        switch self {
        case .unsigned(let value): Self.writeHead(major: 0, value, to: &output)
        case .negative(let value): Self.writeHead(major: 1, value, to: &output)
        case .byteString(let value):
            Self.writeHead(major: 2, UInt64(value.count), to: &output)
            output.append(contentsOf: value)
        case .textString(let value):
            Self.writeHead(major: 3, UInt64(value.utf8.count), to: &output)
            output.append(contentsOf: value.utf8)
        case .array(let elements):
            Self.writeHead(major: 4, UInt64(elements.count), to: &output)
            for element in elements { element.write(to: &output) }
        case .map(let pairs):
            Self.writeHead(major: 5, UInt64(pairs.count), to: &output)
            for pair in pairs {
                pair.key.write(to: &output)
                pair.value.write(to: &output)
            }
        case .tagged(let tag, let value):
            Self.writeHead(major: 6, tag, to: &output)
            value.write(to: &output)
        case .bool(let value): output.append(value ? 0xF5 : 0xF4)
        case .null: output.append(0xF6)
        case .undefined: output.append(0xF7)
        case .simple(let value):
            if value < 24 {
                output.append(0xE0 | value)
            } else {
                output.append(contentsOf: [0xF8, value])
            }
        case .float(let value):
            output.append(0xFB)
            Self.appendBigEndian(value.bitPattern, byteCount: 8, to: &output)
        }
    }

    private static func writeHead(major: UInt8, _ argument: UInt64, to output: inout [UInt8]) {
        let type = major << 5
        switch argument {
        case 0..<24: output.append(type | UInt8(argument))
        case 24...0xFF: output.append(contentsOf: [type | 24, UInt8(argument)])
        case 0x100...0xFFFF:
            output.append(type | 25)
            appendBigEndian(argument, byteCount: 2, to: &output)
        case 0x1_0000...0xFFFF_FFFF:
            output.append(type | 26)
            appendBigEndian(argument, byteCount: 4, to: &output)
        default:
            output.append(type | 27)
            appendBigEndian(argument, byteCount: 8, to: &output)
        }
    }

    private static func appendBigEndian(_ value: UInt64, byteCount: Int, to output: inout [UInt8]) {
        for shift in stride(from: (byteCount - 1) * 8, through: 0, by: -8) {
            output.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}
