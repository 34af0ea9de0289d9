import Foundation

/// How record fields become column values and back, shared by every SQL store.
enum StoreCoding {
    /// Seconds since 1970, rounded down: a `Date` keeps only whole seconds once stored.
    ///
    /// Times outside the `Int64` range are clamped to it, so conversion never traps.
    static func seconds(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        if seconds.isNaN { return 0 }
        if seconds >= 0x1p63 { return .max }
        if seconds < -0x1p63 { return .min }
        return Int64(seconds)
    }

    static func date(seconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Milliseconds since 1970, rounded down and clamped like `seconds`.
    static func milliseconds(_ date: Date) -> Int64 {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        if milliseconds.isNaN { return 0 }
        if milliseconds >= 0x1p63 { return .max }
        if milliseconds < -0x1p63 { return .min }
        return Int64(milliseconds)
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }

    /// A JSON array text such as `["pwd","otp"]`; used for `amr` and redirect URIs.
    static func jsonArray(_ strings: [String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(strings) else {
            throw StoreError(.corrupt, "string list could not be encoded")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes a JSON array text; throws `.corrupt` naming `column` (never the value).
    static func strings(jsonArray text: String, column: String) throws -> [String] {
        // The common case (no countries seen, no `amr`) without a JSON decoder.
        if text == "[]" { return [] }
        guard let strings = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw StoreError(.corrupt, "column \(column) is not a JSON string array")
        }
        return strings
    }
}
