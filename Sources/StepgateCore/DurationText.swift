public import Foundation

/// Reads durations written in configuration: `300`, `90s`, `15m`, `24h`, `30d`.
public enum DurationText {
    /// The longest duration accepted: 100 years of 365.25 days, in seconds.
    public static let maximum: TimeInterval = 3_155_760_000

    /// Longest text accepted; anything longer is certainly too large.
    private static let maximumLength = 24

    /// The seconds that `text` names.
    ///
    /// `text` is a whole number of seconds, optionally followed by one unit letter: `s`
    /// (seconds), `m` (minutes), `h` (hours) or `d` (days). No spaces, signs or fractions.
    /// Throws `DurationTextError` when the text is empty, negative, malformed, has an unknown
    /// unit, or exceeds `maximum`; the error never echoes the text.
    public static func parse(_ text: String) throws(DurationTextError) -> TimeInterval {
        let bytes = Array(text.utf8)
        guard let last = bytes.last else { throw DurationTextError(.empty) }
        if bytes[0] == UInt8(ascii: "-") { throw DurationTextError(.negative) }
        guard bytes.count <= maximumLength else { throw DurationTextError(.tooLarge) }

        let hasUnit = !isDigit(last)
        let digits = hasUnit ? bytes.dropLast() : bytes[...]
        guard !digits.isEmpty, digits.allSatisfy(isDigit) else { throw DurationTextError(.malformed) }
        let unit: UInt64 = try hasUnit ? multiplier(of: last) : 1

        var value: UInt64 = 0
        for digit in digits {
            let (times10, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { throw DurationTextError(.tooLarge) }
            value = sum
        }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow, Double(seconds) <= maximum else { throw DurationTextError(.tooLarge) }
        return TimeInterval(seconds)
    }

    private static func multiplier(of unit: UInt8) throws(DurationTextError) -> UInt64 {
        switch unit {
        case UInt8(ascii: "s"): 1
        case UInt8(ascii: "m"): 60
        case UInt8(ascii: "h"): 3600
        case UInt8(ascii: "d"): 86_400
        default: throw DurationTextError(.unknownUnit)
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
