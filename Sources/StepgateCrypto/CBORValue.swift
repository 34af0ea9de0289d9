/// One CBOR data item (RFC 8949 §3), as decoded from untrusted bytes or built to be encoded.
///
/// Maps keep their pairs in the order they were read. Two values are equal when they have the
/// same case and the same contents; floats compare by bit pattern, so NaN equals the same NaN
/// and `0.0` differs from `-0.0`. There is deliberately no `description`: a value may hold
/// authenticator data or keys that should not reach a log by accident.
public enum CBORValue: Sendable {
    /// An unsigned integer (major type 0).
    case unsigned(UInt64)
    /// A negative integer (major type 1) holding `n`; the value is `-1 - n`, so all of
    /// -2^64 ... -1 fit.
    case negative(UInt64)
    /// A byte string (major type 2).
    case byteString([UInt8])
    /// A UTF-8 text string (major type 3), checked to be well-formed.
    case textString(String)
    /// An array (major type 4).
    case array([CBORValue])
    /// A map (major type 5): its pairs in order; keys are unique when decoded.
    case map([(key: CBORValue, value: CBORValue)])
    /// A tagged item (major type 6): the tag number and the item it tags.
    indirect case tagged(UInt64, CBORValue)
    /// `false` or `true` (simple values 20 and 21).
    case bool(Bool)
    /// `null` (simple value 22).
    case null
    /// `undefined` (simple value 23).
    case undefined
    /// Any other simple value: 0 to 19, or 32 to 255.
    case simple(UInt8)
    /// A half-, single- or double-precision float, widened to `Double` (every half and single
    /// value is exactly representable as a double).
    case float(Double)

    /// The integer, if this is `.unsigned` or `.negative` and fits in Int64.
    public var integerValue: Int64? {
        switch self {
        case .unsigned(let value): value <= UInt64(Int64.max) ? Int64(value) : nil
        case .negative(let value): value <= UInt64(Int64.max) ? -1 - Int64(value) : nil
        default: nil
        }
    }

    /// The bytes, if this is `.byteString`.
    public var bytesValue: [UInt8]? {
        guard case .byteString(let value) = self else { return nil }
        return value
    }

    /// The text, if this is `.textString`.
    public var textValue: String? {
        guard case .textString(let value) = self else { return nil }
        return value
    }

    /// The elements, if this is `.array`.
    public var arrayValue: [CBORValue]? {
        guard case .array(let value) = self else { return nil }
        return value
    }

    /// The pairs in order, if this is `.map`.
    public var mapValue: [(key: CBORValue, value: CBORValue)]? {
        guard case .map(let value) = self else { return nil }
        return value
    }

    /// The Boolean, if this is `.bool`.
    public var boolValue: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    /// The value stored under `key`, if this is a map holding that key; nil otherwise.
    public subscript(key: CBORValue) -> CBORValue? {
        mapValue?.first { $0.key == key }?.value
    }
}

extension CBORValue: Hashable {
    public static func == (lhs: CBORValue, rhs: CBORValue) -> Bool {
        switch (lhs, rhs) {
        case (.unsigned(let a), .unsigned(let b)): a == b
        case (.negative(let a), .negative(let b)): a == b
        case (.byteString(let a), .byteString(let b)): a == b
        case (.textString(let a), .textString(let b)): Array(a.utf8) == Array(b.utf8)
        case (.array(let a), .array(let b)): a == b
        case (.map(let a), .map(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.tagged(let tagA, let a), .tagged(let tagB, let b)): tagA == tagB && a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null), (.undefined, .undefined): true
        case (.simple(let a), .simple(let b)): a == b
        case (.float(let a), .float(let b)): a.bitPattern == b.bitPattern
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .unsigned(let value): hasher.combine(value)
        case .negative(let value): hasher.combine(~value)
        case .byteString(let value): hasher.combine(value)
        case .textString(let value): value.utf8.forEach { hasher.combine($0) }
        case .array(let value): hasher.combine(value)
        case .map(let pairs):
            for pair in pairs {
                hasher.combine(pair.key)
                hasher.combine(pair.value)
            }
        case .tagged(let tag, let value):
            hasher.combine(tag)
            hasher.combine(value)
        case .bool(let value): hasher.combine(value)
        case .null, .undefined: break
        case .simple(let value): hasher.combine(value)
        case .float(let value): hasher.combine(value.bitPattern)
        }
    }
}

extension CBORValue: ExpressibleByIntegerLiteral {
    /// `.unsigned` for zero and up, `.negative` below zero.
    public init(integerLiteral value: Int64) {
        self.init(value)
    }

    /// `.unsigned` for zero and up, `.negative` below zero.
    public init(_ value: Int64) {
        self = value >= 0 ? .unsigned(UInt64(value)) : .negative(UInt64(-1 - value))
    }
}

extension CBORValue: ExpressibleByStringLiteral {
    /// A text string.
    public init(stringLiteral value: String) {
        self = .textString(value)
    }
}

extension CBORValue: ExpressibleByArrayLiteral {
    /// An array.
    public init(arrayLiteral elements: CBORValue...) {
        self = .array(elements)
    }
}

extension CBORValue: ExpressibleByDictionaryLiteral {
    /// A map with the pairs in the order written; a key written twice is a programming error
    /// and traps, as decoding would refuse the map.
    public init(dictionaryLiteral elements: (CBORValue, CBORValue)...) {
        precondition(Set(elements.map(\.0)).count == elements.count, "CBOR map literal repeats a key")
        self = .map(elements.map { (key: $0.0, value: $0.1) })
    }
}
