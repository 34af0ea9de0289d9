public import Foundation

/// Reads exact decimal numbers, as written in JSON or in a policy rule, without rounding.
///
/// `canonical` gives one spelling per value: no exponent, no leading zeros, no trailing zeros
/// after the point, no point when the value is whole, no sign on zero. So `10.50`, `1.05e1` and
/// `10.5` all read `10.5`. Nothing goes through `Double`.
public enum DecimalText {
    /// Most significant digits kept; also `Decimal`'s mantissa limit, so comparisons stay exact.
    public static let maximumDigits = 38
    /// Largest exponent magnitude accepted before shifting the point.
    private static let maximumExponent = 64

    /// The canonical spelling of a JSON number's text (RFC 8259 §6), or nil.
    ///
    /// Nil when the text is not a JSON number, has more than `maximumDigits` significant digits,
    /// or its canonical spelling would be more than 80 characters long.
    public static func canonical(_ text: some StringProtocol) -> String? {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        let integer = bytes.prefix { isDigit($0) }
        guard !integer.isEmpty, integer.count == 1 || integer.first != UInt8(ascii: "0") else { return nil }
        bytes = bytes.dropFirst(integer.count)
        var fraction: ArraySlice<UInt8> = []
        if bytes.first == UInt8(ascii: ".") {
            fraction = bytes.dropFirst().prefix { isDigit($0) }
            guard !fraction.isEmpty else { return nil }
            bytes = bytes.dropFirst(1 + fraction.count)
        }
        var exponent = 0
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            var sign = 1
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") {
                sign = bytes.first == UInt8(ascii: "-") ? -1 : 1
                bytes = bytes.dropFirst()
            }
            let digits = bytes.prefix { isDigit($0) }
            guard !digits.isEmpty, digits.count <= 4 else { return nil }
            exponent = sign * digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            bytes = bytes.dropFirst(digits.count)
        }
        guard bytes.isEmpty else { return nil }
        return render(negative: negative, digits: Array(integer + fraction), exponent: exponent - fraction.count)
    }

    /// The value of a plain decimal `-?digits(.digits)?` (no exponent), or nil.
    ///
    /// For amounts written as strings (RFC 9396 examples do) and for rule thresholds.
    public static func plainDecimal(_ text: some StringProtocol) -> Decimal? {
        guard !text.utf8.contains(UInt8(ascii: "e")), !text.utf8.contains(UInt8(ascii: "E")) else { return nil }
        guard let canonical = canonical(text) else { return nil }
        return decimal(canonical: canonical)
    }

    /// The `Decimal` of a canonical spelling from `canonical`.
    public static func decimal(canonical: String) -> Decimal? {
        Decimal(string: canonical, locale: posix)
    }

    /// Built once: making a `Locale` per request costs more than the rest of a decision.
    private static let posix = Locale(identifier: "en_US_POSIX")

    /// `digits × 10^exponent`, spelled canonically.
    private static func render(negative: Bool, digits: [UInt8], exponent: Int) -> String? {
        var significant = digits.drop { $0 == UInt8(ascii: "0") }
        var exponent = exponent
        while significant.last == UInt8(ascii: "0") {
            significant = significant.dropLast()
            exponent += 1
        }
        if significant.isEmpty { return "0" }
        guard significant.count <= maximumDigits, abs(exponent) <= maximumExponent else { return nil }
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        if exponent >= 0 {
            out += significant
            out += repeatElement(UInt8(ascii: "0"), count: exponent)
        } else if significant.count > -exponent {
            let point = significant.count + exponent
            out += significant.prefix(point)
            out.append(UInt8(ascii: "."))
            out += significant.dropFirst(point)
        } else {
            out += [UInt8(ascii: "0"), UInt8(ascii: ".")]
            out += repeatElement(UInt8(ascii: "0"), count: -exponent - significant.count)
            out += significant
        }
        guard out.count <= 80 else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
