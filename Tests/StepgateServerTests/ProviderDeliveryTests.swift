import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore
import Testing

@testable import StepgateServer

/// The provider's notifier and worker as the server wires them from configuration.
@Suite struct ProviderDeliveryTests {
    @Test func defaultConfiguration_supportsNoChannel() throws {
        let harness = try Harness()

        #expect(!harness.provider.notifier.supports(.email) && !harness.provider.notifier.supports(.sms))
        #expect(throws: DeliveryError(.channelNotConfigured, "email")) {
            try harness.provider.notifier.enqueue(
                try .email(to: "alice@example.org", subject: "s", text: "t", purpose: .factorAdded)
            )
        }
    }

    @Test func fileSink_writesAPrivateFileAndTheMetricsCount() throws {
        let folder = NSTemporaryDirectory() + "stepgate-sink-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let harness = try Harness { $0.delivery.email = .file(folder + "/mail.jsonl") }
        let provider = harness.provider

        let id = try provider.notifier.enqueue(
            try .email(
                to: "alice@example.org",
                subject: "Factor added",
                text: "A key was added.",
                purpose: .factorAdded
            )
        )
        let report = provider.deliveryWorker.deliverDue(now: harness.clock.now)

        #expect(report.sent == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/mail.jsonl")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let line = try #require(FileManager.default.contents(atPath: folder + "/mail.jsonl"))
        let json = try JSONValue.parse(Array(line.dropLast()))
        #expect(json["id"]?.stringValue == id && json["to"]?.stringValue == "alice@example.org")
        #expect(json["subject"]?.stringValue == "Factor added" && json["purpose"]?.stringValue == "factor_added")
        var browser = harness.browser()
        let metrics = browser.send(.get, "/metrics").text
        #expect(metrics.contains(#"stepgate_messages_total{channel="email",purpose="factor_added",outcome="sent"} 1"#))
        #expect(metrics.contains("# TYPE stepgate_outbox_messages gauge"))
        #expect(metrics.contains(#"stepgate_outbox_messages{state="sent"} 1"#))
        #expect(metrics.contains(#"stepgate_outbox_messages{state="pending"} 0"#))
    }
}
