/// How a message reaches a user.
public enum DeliveryChannel: String, Sendable, CaseIterable {
    /// E-mail, to an address; by SMTP, or a development sink.
    case email
    /// A text message, to an E.164 phone number; by a signed webhook to an SMS gateway, or a
    /// development sink.
    case sms
}
