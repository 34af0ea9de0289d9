/// A mail message that cannot be built safely. Never holds an address, a subject or the text.
public struct MailMessageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was refused.
    public enum Code: String, Sendable {
        /// The sender is not a plain ASCII `local@domain.tld` address.
        case invalidSender = "invalid_sender"
        /// The recipient is not a plain ASCII `local@domain.tld` address.
        case invalidRecipient = "invalid_recipient"
        /// A header value holds CR, LF or NUL, which would start a header of the caller's choosing.
        case lineBreakInHeader = "line_break_in_header"
        /// The message ID is not 1 to 128 letters, digits, `-`, `_` or `.`.
        case invalidMessageID = "invalid_message_id"
        /// The subject is longer than `MailMessage.maxSubjectBytes`.
        case subjectTooLong = "subject_too_long"
    }

    public let code: Code

    public init(_ code: Code) {
        self.code = code
    }

    public var description: String { "MailMessageError(\(code.rawValue))" }
}
