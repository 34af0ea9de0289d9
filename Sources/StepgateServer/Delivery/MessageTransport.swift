import Foundation

/// Delivers one opened outbox message: SMTP, the signed webhook, or a development sink.
///
/// `send` blocks for at most the transport's timeout and runs on the delivery worker's thread,
/// never on a request thread. It returns once the provider accepted the message, and throws
/// `DeliveryError` otherwise (`isPermanent` says whether a retry can help). A transport never
/// logs: the worker logs outcomes with fixed codes.
protocol MessageTransport: Sendable {
    func send(_ message: DeliverableMessage) throws(DeliveryError)
}

/// An outbox message opened for one delivery attempt. Holds the recipient and text in clear:
/// it lives only for the attempt, and `description` shows neither.
struct DeliverableMessage: Sendable, CustomStringConvertible {
    /// The outbox ID: the e-mail's `Message-ID` and the webhook's `Stepgate-Delivery`.
    var id: String
    var channel: DeliveryChannel
    /// The stored purpose code (a `MessagePurpose` raw value, or another node's newer one).
    var purpose: String
    var createdAt: Date
    /// 1 for the first try.
    var attempt: Int
    var payload: OutboxPayload

    var description: String { "DeliverableMessage(\(id), \(channel.rawValue), <redacted>)" }
}
