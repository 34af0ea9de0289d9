import Foundation
import StepgateCrypto

/// What an outbox row keeps sealed: the recipient, the subject and the text.
///
/// Stored as compact JSON (`{"subject":…,"text":…,"to":…}`), sealed with AES-256-GCM under
/// the master key with `sealPurpose(id)` as associated data, so a payload cannot be moved to
/// another row. `description` shows none of it.
struct OutboxPayload: Sendable, Equatable, CustomStringConvertible {
    var recipient: String
    var subject: String?
    var text: String

    /// The associated data binding a sealed payload to its outbox row.
    static func sealPurpose(_ id: String) -> String {
        "stepgate outbox v1:" + id
    }

    func encoded() -> [UInt8] {
        var object: [String: JSONValue] = ["to": .string(recipient), "text": .string(text)]
        if let subject { object["subject"] = .string(subject) }
        return JSONValue.object(object).serialized()
    }

    /// The payload in `bytes`; throws `DeliveryError(.unreadablePayload)` when it is not one.
    static func decode(_ bytes: [UInt8]) throws(DeliveryError) -> OutboxPayload {
        guard let value = try? JSONValue.parse(bytes), let recipient = value["to"]?.stringValue,
            let text = value["text"]?.stringValue
        else { throw DeliveryError(.unreadablePayload, "payload is not the expected JSON") }
        return OutboxPayload(recipient: recipient, subject: value["subject"]?.stringValue, text: text)
    }

    var description: String { "OutboxPayload(<redacted>)" }
}
