import Foundation

/// The encodings an RFC 5322 message needs: address checks, RFC 2047 encoded words,
/// quoted-printable bodies (RFC 2045 §6.7) and the `Date` format (RFC 5322 §3.3).
enum MailEncoding {
    /// Whether `address` is an ASCII addr-spec this sender accepts: a dot-atom local part of
    /// at most 64 bytes, `@`, and a domain of two or more LDH labels; 254 bytes at most.
    ///
    /// Quoted local parts, domain literals, comments, display names and non-ASCII (SMTPUTF8)
    /// addresses are refused: each widens what a header or an SMTP command could be made to carry.
    // Known gap: internationalised (SMTPUTF8) addresses are refused; such users get no e-mail codes.
    static func isValidAddress(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard (3...254).contains(bytes.count), let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard (1...64).contains(local.count), isDotAtom(local) else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy(isHostLabel)
    }

    private static let atomSpecials = Set("!#$%&'*+/=?^_`{|}~-".utf8)

    private static func isDotAtom(_ bytes: ArraySlice<UInt8>) -> Bool {
        let atoms = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return atoms.allSatisfy { atom in
            !atom.isEmpty && atom.allSatisfy { isAlphanumeric($0) || atomSpecials.contains($0) }
        }
    }

    private static func isHostLabel(_ label: ArraySlice<UInt8>) -> Bool {
        guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
        else { return false }
        return label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// Whether `value` holds CR, LF or NUL: a header value must never end its line.
    static func hasLineBreak(_ value: String) -> Bool {
        value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }

    /// A header value as is when it is printable ASCII, else as RFC 2047 `B` encoded words of
    /// at most 75 characters each, folded onto continuation lines. Words split only between
    /// UTF-8 characters (RFC 2047 §5: each word must decode on its own).
    static func headerText(_ value: String) -> String {
        let bytes = Array(value.utf8)
        if bytes.allSatisfy({ (0x20...0x7E).contains($0) }) && !value.contains("=?") { return value }
        var words: [String] = []
        var chunk: [UInt8] = []
        // 45 bytes are 60 base64 characters; with `=?UTF-8?B?` and `?=` a word is 72 long.
        for character in value {
            let encoded = Array(String(character).utf8)
            if chunk.count + encoded.count > 45 && !chunk.isEmpty {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk += encoded
        }
        if !chunk.isEmpty { words.append(encodedWord(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// `text` as quoted-printable with CRLF line ends and lines of at most 76 characters.
    ///
    /// Line breaks of any kind (CRLF, LF, CR) become CRLF. Printable ASCII other than `=`
    /// stays as is; everything else, a space or tab before a line end, and a `.` that starts a
    /// line (so no line can read as SMTP's end of data) become `=XX`.
    static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalized.split(separator: "\n", omittingEmptySubsequences: false)
            .map { quotedPrintableLine(Array($0.utf8)) }
            .joined(separator: "\r\n")
    }

    private static func quotedPrintableLine(_ bytes: [UInt8]) -> String {
        var lines: [String] = []
        var current = ""
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let literal: Bool
            switch byte {
            case UInt8(ascii: "="): literal = false
            case UInt8(ascii: " "), UInt8(ascii: "\t"): literal = !isLast
            case UInt8(ascii: "."): literal = !(index == 0)
            default: literal = (0x21...0x7E).contains(byte)
            }
            let token = literal ? String(UnicodeScalar(byte)) : hexEscape(byte)
            // A soft break `=` ends the line, so a line holds at most 75 characters before it.
            if current.utf8.count + token.utf8.count > 75 {
                lines.append(current + "=")
                current = ""
            }
            // A `.` that now starts a continuation line must be escaped too.
            current += (current.isEmpty && token == ".") ? hexEscape(byte) : token
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    private static let hexDigits = Array("0123456789ABCDEF")

    private static func hexEscape(_ byte: UInt8) -> String {
        "=" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 0x0F)])
    }

    /// `date` in RFC 5322 §3.3 form, in UTC: `Fri, 04 Dec 2026 06:06:52 +0000`.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String {
            let number = value ?? 0
            return number < 10 ? "0\(number)" : "\(number)"
        }
        let weekday = days[((parts.weekday ?? 1) - 1) % 7]
        let month = months[((parts.month ?? 1) - 1) % 12]
        return "\(weekday), \(two(parts.day)) \(month) \(parts.year ?? 1970) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}
