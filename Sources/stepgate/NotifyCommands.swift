import Foundation
import StepgateServer

/// `stepgate notify test`: sends one message through the outbox with the configured transport.
enum NotifyCommands {
    static func run(_ raw: [String]) throws {
        let help = Help.notify
        let arguments = try Arguments(raw, valued: Commands.common.union(["channel", "to"]), help: help)
        if arguments.wantsHelp { return Output.print(help) }
        guard arguments.positionals == ["test"] else { throw UsageError("expected: notify test", help: help) }
        guard let channelName = try arguments.value("channel", help: help),
            let channel = DeliveryChannel(rawValue: channelName)
        else { throw UsageError("--channel: expected email or sms", help: help) }
        guard let recipient = try arguments.value("to", help: help) else {
            throw UsageError("--to: expected an e-mail address or an E.164 phone number", help: help)
        }
        let configuration = try Commands.configuration(arguments, help: help)
        let result: DeliveryCheck.Result
        do {
            result = try DeliveryCheck.run(configuration: configuration, channel: channel, recipient: recipient)
        } catch let error as DeliveryError {
            throw ReportedFailure(lines: ["notify: \(reason(error))"])
        }
        guard result.delivered else {
            let next = result.nextAttemptAt.map { "; it stays in the outbox, next attempt at \(timestamp($0))" } ?? ""
            throw ReportedFailure(lines: [
                "notify: message \(result.messageID) not delivered (\(result.error ?? "no attempt finished"))\(next)"
            ])
        }
        Output.print("notify: message \(result.messageID) sent by \(channel.rawValue)")
    }

    private static func reason(_ error: DeliveryError) -> String {
        switch error.code {
        case .channelNotConfigured: "no transport is configured for this channel (delivery.email, delivery.sms)"
        case .invalidRecipient:
            "--to: expected an e-mail address (local@domain.tld) or an E.164 number (+4915112345678)"
        default: "message refused (\(error.code.rawValue))"
        }
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
