/// Fields of an `application/x-www-form-urlencoded` body or a query string, in order.
///
/// Parsing is strict: a bad percent escape or invalid UTF-8 fails the whole input instead of
/// being passed on repaired. Work is linear in the input and the field count is bounded.
public struct FormData: Sendable {
    /// The most fields one input may hold; more fail with `.tooManyFields`.
    public static let maximumFieldCount = 256

    /// Every field as (name, value), decoded, in input order.
    public let fields: [(String, String)]

    public init(fields: [(String, String)] = []) {
        self.fields = fields
    }

    /// Parses urlencoded bytes: `&`-separated `name=value` pairs, `+` as space, `%XX` escapes.
    ///
    /// Empty pairs (`a=1&&b=2`) are skipped; a pair without `=` has an empty value.
    /// - Throws: `HTTPFormError` with `.invalidPercentEncoding`, `.invalidUTF8` or `.tooManyFields`.
    public static func parse(_ bytes: [UInt8]) throws(HTTPFormError) -> FormData {
        var fields: [(String, String)] = []
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "&") { end += 1 }
            if end > start {
                guard fields.count < maximumFieldCount else {
                    throw HTTPFormError(.tooManyFields, "limit \(maximumFieldCount)")
                }
                fields.append(try parsePair(bytes[start..<end]))
            }
            start = end + 1
        }
        return FormData(fields: fields)
    }

    /// Parses a raw query string (the part after `?`, without it) like a form body.
    public static func parse(query: String) throws(HTTPFormError) -> FormData {
        try parse(Array(query.utf8))
    }

    /// The first value of `name`, if any.
    public func value(_ name: String) -> String? {
        fields.first { $0.0 == name }?.1
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { $0.0 == name }.map(\.1)
    }

    /// The value of `name`, which must not appear more than once (RFC 6749 §3.1).
    ///
    /// - Throws: `HTTPFormError(.duplicateField)` when `name` appears twice or more.
    public func single(_ name: String) throws(HTTPFormError) -> String? {
        let found = values(name)
        guard found.count <= 1 else { throw HTTPFormError(.duplicateField, "count \(found.count)") }
        return found.first
    }

    private static func parsePair(_ pair: ArraySlice<UInt8>) throws(HTTPFormError) -> (String, String) {
        guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else {
            return (try decode(pair), "")
        }
        return (try decode(pair[pair.startIndex..<equals]), try decode(pair[(equals + 1)...]))
    }

    private static func decode(_ part: ArraySlice<UInt8>) throws(HTTPFormError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(part.count)
        var index = part.startIndex
        while index < part.endIndex {
            let byte = part[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
                index += 1
            } else if byte == UInt8(ascii: "%") {
                guard index + 2 < part.endIndex,
                    let high = hexValue(part[index + 1]),
                    let low = hexValue(part[index + 2])
                else {
                    throw HTTPFormError(.invalidPercentEncoding, "offset \(index - part.startIndex)")
                }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw HTTPFormError(.invalidUTF8)
        }
        return text
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
