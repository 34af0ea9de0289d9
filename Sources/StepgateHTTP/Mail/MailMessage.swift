public import Foundation

/// An RFC 5322 message with one `text/plain; charset=utf-8` part, quoted-printable encoded.
///
/// Built only through `init`, which refuses malformed addresses and any header value holding
/// CR, LF or NUL, so no caller can inject a header or a recipient. The subject is RFC 2047
/// encoded when it is not printable ASCII. The body may hold anything: it is quoted-printable,
/// so its lines are short, 7-bit, and none reads as SMTP's end of data.
public struct MailMessage: Sendable {
    /// Longest subject accepted, in UTF-8 bytes.
    public static let maxSubjectBytes = 998

    /// The sender's address (`From` and the SMTP envelope's `MAIL FROM`).
    public let from: String
    /// The one recipient (`To` and `RCPT TO`).
    public let to: String
    public let subject: String
    public let text: String
    /// The `Date` header's time.
    public let date: Date
    /// The left half of `Message-ID`; the right half is the sender's domain.
    public let messageID: String

    /// Checks every field; see `MailMessageError.Code` for what is refused.
    public init(
        from: String,
        to: String,
        subject: String,
        text: String,
        date: Date,
        messageID: String
    ) throws(MailMessageError) {
        guard !MailEncoding.hasLineBreak(from), MailEncoding.isValidAddress(from) else {
            throw MailMessageError(.invalidSender)
        }
        guard !MailEncoding.hasLineBreak(to), MailEncoding.isValidAddress(to) else {
            throw MailMessageError(.invalidRecipient)
        }
        guard !MailEncoding.hasLineBreak(subject) else { throw MailMessageError(.lineBreakInHeader) }
        guard subject.utf8.count <= Self.maxSubjectBytes else { throw MailMessageError(.subjectTooLong) }
        let idBytes = Array(messageID.utf8)
        guard (1...128).contains(idBytes.count),
            idBytes.allSatisfy({ MailEncoding.isAlphanumeric($0) || "-_.".utf8.contains($0) })
        else { throw MailMessageError(.invalidMessageID) }
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.date = date
        self.messageID = messageID
    }

    /// Whether `address` is an address `init` accepts (ASCII `local@domain.tld`, no display name).
    public static func isValidAddress(_ address: String) -> Bool {
        !MailEncoding.hasLineBreak(address) && MailEncoding.isValidAddress(address)
    }

    /// The message as sent: headers, a blank line and the body, every line ending in CRLF.
    public func rendered() -> [UInt8] {
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        let headers = [
            "Date: " + MailEncoding.date(date),
            "From: " + from,
            "To: " + to,
            "Subject: " + MailEncoding.headerText(subject),
            "Message-ID: <\(messageID)@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            // RFC 3834: automatic messages get no automatic replies.
            "Auto-Submitted: auto-generated",
        ]
        let text = headers.joined(separator: "\r\n") + "\r\n\r\n" + MailEncoding.quotedPrintable(text) + "\r\n"
        return Array(text.utf8)
    }
}
