import Foundation
import StepgateHTTP

/// Sends e-mail through an SMTP server (`delivery.email = smtp://…` or `smtps://…`).
///
/// Each attempt builds the same RFC 5322 message (its `Date` is the message's creation time,
/// its `Message-ID` the outbox ID, so a receiver can tell a repeat) and submits it with
/// `SMTPClient`: STARTTLS when offered or required, certificates verified.
struct SMTPTransport: MessageTransport {
    let client: SMTPClient
    /// The `From` address (`delivery.email_from`).
    let from: String

    func send(_ message: DeliverableMessage) throws(DeliveryError) {
        let mail: MailMessage
        do {
            mail = try MailMessage(
                from: from,
                to: message.payload.recipient,
                subject: message.payload.subject ?? "",
                text: message.payload.text,
                date: message.createdAt,
                messageID: message.id
            )
        } catch {
            throw DeliveryError(
                error.code == .invalidRecipient ? .invalidRecipient : .invalidMessage,
                error.code.rawValue
            )
        }
        do {
            try client.send(mail)
        } catch {
            throw Self.deliveryError(error)
        }
    }

    private static func deliveryError(_ error: SMTPClientError) -> DeliveryError {
        let code: DeliveryError.Code =
            switch error.code {
            case .invalidRequest: .invalidMessage
            case .connectFailed: .connectFailed
            case .timedOut: .timedOut
            case .tlsUnavailable: .tlsUnavailable
            case .tlsFailed: .tlsFailed
            case .authenticationFailed: .authenticationFailed
            case .rejected: .rejected
            case .transferFailed: .transferFailed
            case .clientUnavailable: .clientUnavailable
            }
        return DeliveryError(code, error.detail)
    }
}
