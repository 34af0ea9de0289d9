public import Foundation
import StepgateHTTP

/// A message to one user, checked when made: what request handlers give `Notifier.enqueue`.
///
/// The recipient and text may hold a one-time code: `description` shows neither, and nothing
/// in the delivery path logs them.
public struct OutgoingMessage: Sendable, CustomStringConvertible {
    /// Longest e-mail text, in UTF-8 bytes.
    public static let maxEmailTextBytes = 16_384
    /// Longest SMS text, in characters (ten concatenated segments of 160 GSM characters).
    public static let maxSMSCharacters = 1_600

    public let channel: DeliveryChannel
    /// An e-mail address (`local@domain.tld`, ASCII) or an E.164 phone number (`+4915112345678`).
    public let recipient: String
    /// The e-mail subject; nil for SMS.
    public let subject: String?
    public let text: String
    public let purpose: MessagePurpose
    /// The message is not sent before this time; nil for as soon as possible.
    public let notBefore: Date?

    /// Checks the message for its channel.
    ///
    /// - Throws: `DeliveryError(.invalidRecipient)` for a malformed address or number, or one
    ///   holding CR, LF or NUL; `DeliveryError(.invalidMessage)` for an e-mail without a subject,
    ///   an SMS with one, a subject with CR, LF or NUL or over 998 bytes, an empty text, a text
    ///   holding NUL, or one over the channel's limit.
    public init(
        channel: DeliveryChannel,
        recipient: String,
        subject: String? = nil,
        text: String,
        purpose: MessagePurpose,
        notBefore: Date? = nil
    ) throws(DeliveryError) {
        switch channel {
        case .email:
            guard MailMessage.isValidAddress(recipient) else {
                throw DeliveryError(.invalidRecipient, "e-mail address")
            }
            guard let subject, !subject.isEmpty, subject.utf8.count <= MailMessage.maxSubjectBytes,
                !subject.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 })
            else { throw DeliveryError(.invalidMessage, "subject") }
            guard text.utf8.count <= Self.maxEmailTextBytes else { throw DeliveryError(.invalidMessage, "text length") }
        case .sms:
            guard Self.isE164(recipient) else { throw DeliveryError(.invalidRecipient, "phone number") }
            guard subject == nil else { throw DeliveryError(.invalidMessage, "subject on sms") }
            guard text.count <= Self.maxSMSCharacters else { throw DeliveryError(.invalidMessage, "text length") }
        }
        guard !text.isEmpty, !text.utf8.contains(0) else { throw DeliveryError(.invalidMessage, "text") }
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.text = text
        self.purpose = purpose
        self.notBefore = notBefore
    }

    /// An e-mail; see `init` for what is refused.
    public static func email(
        to address: String,
        subject: String,
        text: String,
        purpose: MessagePurpose,
        notBefore: Date? = nil
    ) throws(DeliveryError) -> OutgoingMessage {
        try OutgoingMessage(
            channel: .email,
            recipient: address,
            subject: subject,
            text: text,
            purpose: purpose,
            notBefore: notBefore
        )
    }

    /// A text message; see `init` for what is refused.
    public static func sms(
        to number: String,
        text: String,
        purpose: MessagePurpose,
        notBefore: Date? = nil
    ) throws(DeliveryError) -> OutgoingMessage {
        try OutgoingMessage(channel: .sms, recipient: number, text: text, purpose: purpose, notBefore: notBefore)
    }

    /// Whether `number` is E.164: `+`, a non-zero digit, then 6 to 14 more digits.
    public static func isE164(_ number: String) -> Bool {
        let bytes = Array(number.utf8)
        guard (8...16).contains(bytes.count), bytes[0] == UInt8(ascii: "+"), bytes[1] != UInt8(ascii: "0") else {
            return false
        }
        return bytes.dropFirst().allSatisfy { (0x30...0x39).contains($0) }
    }

    public var description: String {
        "OutgoingMessage(\(channel.rawValue), \(purpose.rawValue), <redacted>)"
    }
}
