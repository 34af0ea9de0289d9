import Foundation
import Glibc
import StepgateCrypto

/// For development only: writes each message, text and recipient included, as one JSON line to
/// standard error (`console`) or appends it to a file (`file:PATH`, created with mode 0600).
///
/// Its whole point is to show the one-time codes a developer would otherwise receive by
/// e-mail or SMS, so never configure it on a server with real users: the codes end up in a
/// terminal, a log collector or a file. Each line is
/// `{"channel":…,"created_at":…,"id":…,"purpose":…,"subject":…,"text":…,"to":…}`.
// Known gap: by design these lines hold one-time codes in clear; configuration cannot stop a
// production server from choosing `console` or `file:`, so docs/delivery.md warns instead.
struct DevelopmentSink: MessageTransport {
    /// Where the lines go.
    enum Destination: Sendable, Equatable {
        case console
        case file(String)
    }

    let destination: Destination

    func send(_ message: DeliverableMessage) throws(DeliveryError) {
        var object: [String: JSONValue] = [
            "id": .string(message.id),
            "channel": .string(message.channel.rawValue),
            "purpose": .string(message.purpose),
            "to": .string(message.payload.recipient),
            "text": .string(message.payload.text),
            "created_at": .integer(Int64(message.createdAt.timeIntervalSince1970.rounded(.down))),
        ]
        if let subject = message.payload.subject { object["subject"] = .string(subject) }
        let line = JSONValue.object(object).serialized() + [0x0A]
        switch destination {
        case .console:
            try write(line, to: 2)
        case .file(let path):
            let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw DeliveryError(.writeFailed, "open errno \(errno)") }
            defer { Glibc.close(descriptor) }
            try write(line, to: descriptor)
        }
    }

    /// One `write` call per line, so lines from two threads (or processes) do not interleave.
    private func write(_ bytes: [UInt8], to descriptor: Int32) throws(DeliveryError) {
        let written = bytes.withUnsafeBytes { buffer in
            // Safety: the buffer lives for the call and holds `count` bytes.
            Glibc.write(descriptor, buffer.baseAddress, buffer.count)
        }
        guard written == bytes.count else { throw DeliveryError(.writeFailed, "write errno \(errno)") }
    }
}
