import Foundation

/// Escaping and small formatting helpers for the HTML report.
///
/// Everything from a report (URLs, headers, bodies, reasons, titles) goes through `escape`
/// before it reaches the page, so a response body full of markup shows as text and can never
/// add an element, an attribute or a script. The output is also well-formed XML.
enum HTMLReportMarkup {
    /// `text` safe as HTML (and XML 1.0) content and in double- or single-quoted attribute
    /// values: markup escaped, control characters other than tab, line feed and carriage
    /// return dropped, and the non-characters U+FFFE and U+FFFF dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                guard value >= 0x20, value != 0x7F, value != 0xFFFE, value != 0xFFFF else { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A fragment identifier for `caseID`: ASCII letters, digits, `.`, `_` and `-` kept, others `-`.
    static func anchor(_ caseID: String) -> String {
        "case-" + String(caseID.map { anchorCharacters.contains($0) ? $0 : "-" })
    }

    private static let anchorCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")

    /// `seconds` for a person: `4 ms`, `12.3 s`, `2 min 5 s`.
    static func seconds(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "unknown" }
        if seconds < 1 { return milliseconds(seconds * 1000) }
        if seconds < 120 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        return "\(whole / 60) min \(whole % 60) s"
    }

    /// `milliseconds` for a person: `0.4 ms`, `12 ms`, `1.25 s`.
    static func milliseconds(_ milliseconds: Double) -> String {
        guard milliseconds.isFinite else { return "unknown" }
        if milliseconds < 10 { return String(format: "%.1f ms", milliseconds) }
        if milliseconds < 1000 { return String(format: "%.0f ms", milliseconds) }
        return String(format: "%.2f s", milliseconds / 1000)
    }

    /// `date` in UTC to the second: `2025-01-31 14:05:09 UTC`.
    static func date(_ date: Date) -> String {
        let text = ISO8601DateFormatter.string(from: date, timeZone: .gmt, formatOptions: [.withInternetDateTime])
        return text.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    /// `<span class="badge STATUS">LABEL</span>` for a verdict's status.
    static func badge(_ status: String) -> String {
        let label =
            switch status {
            case "pass": "PASS"
            case "fail": "FAIL"
            case "skip": "SKIP"
            case "human": "PERSON"
            default: status.uppercased()
            }
        return "<span class=\"badge \(escape(status))\">\(escape(label))</span>"
    }

    /// `number` and the noun, singular or plural: `1 case`, `3 cases`.
    static func count(_ number: Int, _ one: String, _ many: String) -> String {
        "\(number) \(number == 1 ? one : many)"
    }
}
