import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP

/// Sends text messages to an SMS gateway as signed JSON webhooks.
///
/// One `POST` per attempt to the configured URL, with the body
/// `{"created_at":<unix seconds>,"id":…,"purpose":…,"text":…,"to":…}`, `Content-Type:
/// application/json`, `Stepgate-Signature` (see `WebhookSignature`) and `Stepgate-Delivery: <id>`.
/// The ID is the same on every attempt, so the receiver deduplicates on it: a delivery whose
/// answer was lost is sent again. Any 2xx is delivered; any other status, and no answer
/// within the timeout, is a failed attempt. Redirects are not followed.
struct WebhookTransport: MessageTransport {
    let url: String
    let secret: [UInt8]
    let timeoutSeconds: Double
    let clock: any Clock
    let client = HTTPClient()

    func send(_ message: DeliverableMessage) throws(DeliveryError) {
        let body = Self.body(message)
        let timestamp = Int64(clock.now.timeIntervalSince1970.rounded(.down))
        let request = HTTPClientRequest(
            method: .post,
            url: url,
            headers: [
                ("Content-Type", "application/json"),
                ("Stepgate-Signature", WebhookSignature.header(secret: secret, timestamp: timestamp, body: body)),
                ("Stepgate-Delivery", message.id),
                ("User-Agent", "Stepgate-Delivery/1"),
            ],
            body: body,
            timeoutSeconds: timeoutSeconds,
            // Only the status matters; a gateway's body is never read beyond this.
            maxResponseBytes: 65_536
        )
        let response: HTTPClientResponse
        do {
            response = try client.send(request)
        } catch {
            throw Self.deliveryError(error)
        }
        guard (200...299).contains(response.status) else {
            throw DeliveryError(.receiverRefused, "status \(response.status)")
        }
    }

    /// The JSON body; compact, members sorted by name.
    static func body(_ message: DeliverableMessage) -> [UInt8] {
        JSONValue.object([
            "id": .string(message.id),
            "to": .string(message.payload.recipient),
            "text": .string(message.payload.text),
            "purpose": .string(message.purpose),
            "created_at": .integer(Int64(message.createdAt.timeIntervalSince1970.rounded(.down))),
        ]).serialized()
    }

    private static func deliveryError(_ error: HTTPClientError) -> DeliveryError {
        let code: DeliveryError.Code =
            switch error.code {
            case .connectFailed: .connectFailed
            case .timedOut: .timedOut
            case .transferFailed: .transferFailed
            case .invalidRequest: .invalidMessage
            case .clientUnavailable: .clientUnavailable
            }
        return DeliveryError(code, error.detail)
    }
}
