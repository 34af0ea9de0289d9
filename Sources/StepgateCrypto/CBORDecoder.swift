/// A strict RFC 8949 decoder over untrusted bytes, definite lengths only.
///
/// No length or count from the input is trusted: each is checked against the bytes that remain
/// before anything is read, and nothing is preallocated from it. Well-formed but non-preferred
/// encodings (an integer in a longer head than needed, map keys out of canonical order) are
/// accepted, as authenticators do not all emit canonical CBOR.
struct CBORDecoder {
    private let bytes: ArraySlice<UInt8>
    private let maxDepth: Int
    private let maxItems: Int
    private var index: Int
    private var items = 0

    init(_ bytes: ArraySlice<UInt8>, maxDepth: Int, maxItems: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        self.maxItems = maxItems
        self.index = bytes.startIndex
    }

    /// Bytes read so far from the start of the input.
    var consumed: Int { index - bytes.startIndex }

    /// The item that starts at the current position.
    mutating func decodeItem() throws(CBORError) -> CBORValue {
        try decodeItem(depth: 0)
    }

    private var remaining: Int { bytes.endIndex - index }

    private func error(_ code: CBORError.Code, at position: Int? = nil) -> CBORError {
        CBORError(code, offset: (position ?? index) - bytes.startIndex)
    }

    private mutating func decodeItem(depth: Int) throws(CBORError) -> CBORValue {
        items += 1
        guard items <= maxItems else { throw error(.tooManyItems) }
        let start = index
        let initial = try readByte()
        let major = initial >> 5
        let info = initial & 0x1F
        if major == 7 { return try decodeSimpleOrFloat(info: info, start: start) }
        guard info != 31 else {
            throw error(major >= 2 && major <= 5 ? .indefiniteLength : .malformed, at: start)
        }
        let argument = try readArgument(info: info, start: start)
        switch major {
        case 0: return .unsigned(argument)
        case 1: return .negative(argument)
        case 2: return .byteString(Array(try readBytes(argument, start: start)))
        case 3:
            let text = try readBytes(argument, start: start)
            guard let string = String(validating: text, as: UTF8.self) else {
                throw error(.invalidUTF8, at: start)
            }
            return .textString(string)
        case 4: return try decodeArray(count: argument, depth: depth, start: start)
        case 5: return try decodeMap(count: argument, depth: depth, start: start)
        default:
            guard depth < maxDepth else { throw error(.tooDeep, at: start) }
            return .tagged(argument, try decodeItem(depth: depth + 1))
        }
    }

    private mutating func decodeArray(count: UInt64, depth: Int, start: Int) throws(CBORError) -> CBORValue {
        guard depth < maxDepth else { throw error(.tooDeep, at: start) }
        // Each element takes at least one byte, so a larger count cannot be honest.
        guard count <= UInt64(remaining) else { throw error(.truncated, at: start) }
        var elements: [CBORValue] = []
        for _ in 0..<count {
            elements.append(try decodeItem(depth: depth + 1))
        }
        return .array(elements)
    }

    private mutating func decodeMap(count: UInt64, depth: Int, start: Int) throws(CBORError) -> CBORValue {
        guard depth < maxDepth else { throw error(.tooDeep, at: start) }
        // Each pair takes at least two bytes, so a larger count cannot be honest.
        guard count <= UInt64(remaining / 2) else { throw error(.truncated, at: start) }
        var pairs: [(key: CBORValue, value: CBORValue)] = []
        var keys: Set<CBORValue> = []
        for _ in 0..<count {
            let keyStart = index
            let key = try decodeItem(depth: depth + 1)
            guard keys.insert(key).inserted else { throw error(.duplicateMapKey, at: keyStart) }
            pairs.append((key, try decodeItem(depth: depth + 1)))
        }
        return .map(pairs)
    }

    private mutating func decodeSimpleOrFloat(info: UInt8, start: Int) throws(CBORError) -> CBORValue {
        switch info {
        case 0..<20: return .simple(info)
        case 20: return .bool(false)
        case 21: return .bool(true)
        case 22: return .null
        case 23: return .undefined
        case 24:
            let value = try readByte()
            // RFC 8949 §3.3: simple values below 32 must use the one-byte form.
            guard value >= 32 else { throw error(.malformed, at: start) }
            return .simple(value)
        case 25: return .float(Self.double(half: UInt16(try readUInt(byteCount: 2))))
        case 26: return .float(Double(Float(bitPattern: UInt32(try readUInt(byteCount: 4)))))
        case 27: return .float(Double(bitPattern: try readUInt(byteCount: 8)))
        // 28 to 30 are reserved; 31 is "break", which only ends indefinite-length items.
        default: throw error(.malformed, at: start)
        }
    }

    private mutating func readArgument(info: UInt8, start: Int) throws(CBORError) -> UInt64 {
        switch info {
        case 0..<24: return UInt64(info)
        case 24: return try readUInt(byteCount: 1)
        case 25: return try readUInt(byteCount: 2)
        case 26: return try readUInt(byteCount: 4)
        case 27: return try readUInt(byteCount: 8)
        default: throw error(.malformed, at: start)
        }
    }

    private mutating func readByte() throws(CBORError) -> UInt8 {
        guard index < bytes.endIndex else { throw error(.truncated) }
        defer { index += 1 }
        return bytes[index]
    }

    private mutating func readUInt(byteCount: Int) throws(CBORError) -> UInt64 {
        guard remaining >= byteCount else { throw error(.truncated) }
        var value: UInt64 = 0
        for offset in 0..<byteCount {
            value = value << 8 | UInt64(bytes[index + offset])
        }
        index += byteCount
        return value
    }

    /// The next `count` bytes of the string whose head starts at `start`.
    private mutating func readBytes(_ count: UInt64, start: Int) throws(CBORError) -> ArraySlice<UInt8> {
        guard count <= UInt64(remaining) else { throw error(.truncated, at: start) }
        let end = index + Int(count)
        defer { index = end }
        return bytes[index..<end]
    }

    /// An IEEE 754 half-precision value, exactly, as a double.
    private static func double(half: UInt16) -> Double {
        let exponent = Int(half >> 10 & 0x1F)
        let fraction = Double(half & 0x3FF)
        let sign: FloatingPointSign = half & 0x8000 == 0 ? .plus : .minus
        let magnitude: Double =
            switch exponent {
            case 0: Double(sign: .plus, exponent: -24, significand: fraction)
            case 31: fraction == 0 ? .infinity : .nan
            default: Double(sign: .plus, exponent: exponent - 25, significand: fraction + 1024)
            }
        return sign == .minus ? -magnitude : magnitude
    }
}
