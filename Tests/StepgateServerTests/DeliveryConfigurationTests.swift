import Foundation
import StepgateCore
import Testing

@testable import StepgateServer

/// The `delivery.*` keys: defaults, each accepted form, environment secrets, and every
/// problem reported at once, named by key and never echoing a value.
@Suite struct DeliveryConfigurationTests {
    static let secret = "whsec-0123456789-0123456789-0123456789"

    func load(_ environment: [String: String]) throws(ConfigurationError) -> DeliveryConfiguration {
        try ServerConfiguration.load(.init(environment: environment)).delivery
    }

    func problems(_ environment: [String: String]) -> [String] {
        do {
            _ = try load(environment)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func defaults_sendNothing() throws {
        let delivery = try load([:])

        #expect(delivery.email == .none && delivery.sms == .none && delivery.channels.isEmpty)
        #expect(delivery.maxAttempts == 6 && delivery.timeout == 15 && delivery.smtpTLS == .opportunistic)
    }

    @Test func smtp_readsEveryKeyWithSecretsFromTheEnvironment() throws {
        let caFile = NSTemporaryDirectory() + "stepgate-ca-" + UUID().uuidString
        try "not checked here".write(toFile: caFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: caFile) }

        let delivery = try load([
            "STEPGATE_DELIVERY_EMAIL": "smtps://mail.example.com:465",
            "STEPGATE_DELIVERY_EMAIL_FROM": "stepgate@example.com",
            "STEPGATE_DELIVERY_SMTP_USERNAME": "stepgate",
            "STEPGATE_DELIVERY_SMTP_PASSWORD": "hunter2-but-longer",
            "STEPGATE_DELIVERY_SMTP_TLS": "require",
            "STEPGATE_DELIVERY_SMTP_CA_FILE": caFile,
            "STEPGATE_DELIVERY_SMS": "webhook:https://sms.example.com/hook?tenant=1",
            "STEPGATE_DELIVERY_SMS_WEBHOOK_SECRET": Self.secret,
            "STEPGATE_DELIVERY_MAX_ATTEMPTS": "3",
            "STEPGATE_DELIVERY_TIMEOUT": "5s",
        ])

        #expect(delivery.email == .smtp("smtps://mail.example.com:465"))
        #expect(delivery.emailFrom == "stepgate@example.com" && delivery.smtpUsername == "stepgate")
        #expect(delivery.smtpPassword == "hunter2-but-longer" && delivery.smtpTLS == .required)
        #expect(delivery.smtpCAFile == caFile)
        #expect(delivery.sms == .webhook("https://sms.example.com/hook?tenant=1"))
        #expect(delivery.smsWebhookSecret == Self.secret)
        #expect(delivery.maxAttempts == 3 && delivery.timeout == 5)
        #expect(delivery.channels == [.email, .sms])
        #expect(!"\(delivery)".contains("hunter2") && !"\(delivery)".contains(Self.secret))
    }

    @Test(arguments: [
        ("console", DeliveryConfiguration.SMSTransport.console),
        ("none", .none),
        ("webhook:http://127.0.0.1:9000/sms", .webhook("http://127.0.0.1:9000/sms")),
        ("webhook:http://localhost:9000/sms", .webhook("http://localhost:9000/sms")),
        ("webhook:http://[::1]:9000/sms", .webhook("http://[::1]:9000/sms")),
    ])
    func sms_acceptsEachForm(value: String, expected: DeliveryConfiguration.SMSTransport) throws {
        let delivery = try load(["STEPGATE_DELIVERY_SMS": value, "STEPGATE_DELIVERY_SMS_WEBHOOK_SECRET": Self.secret])

        #expect(delivery.sms == expected)
    }

    @Test func file_needsAnExistingFolder() throws {
        let folder = NSTemporaryDirectory()
        let delivery = try load(["STEPGATE_DELIVERY_EMAIL": "file:\(folder)/mail.jsonl"])

        #expect(delivery.email == .file("\(folder)/mail.jsonl"))
        #expect(problems(["STEPGATE_DELIVERY_EMAIL": "file:/nonexistent-folder-xyz/mail.jsonl"]).count == 1)
    }

    @Test(arguments: [
        ("STEPGATE_DELIVERY_EMAIL", "smtp://user:pass-Zq9@mail.example.com", "delivery.email"),
        ("STEPGATE_DELIVERY_EMAIL", "smtp://mail.example.com/path-Zq9", "delivery.email"),
        ("STEPGATE_DELIVERY_EMAIL", "imap://Zq9.example.com", "delivery.email"),
        ("STEPGATE_DELIVERY_EMAIL", "file:", "delivery.email"),
        ("STEPGATE_DELIVERY_EMAIL_FROM", "Zq9 <x@example.com>", "delivery.email_from"),
        ("STEPGATE_DELIVERY_SMTP_TLS", "Zq9", "delivery.smtp_tls"),
        ("STEPGATE_DELIVERY_SMTP_CA_FILE", "/nonexistent/Zq9.pem", "delivery.smtp_ca_file"),
        ("STEPGATE_DELIVERY_SMS", "webhook:http://sms.Zq9.example.com/hook", "delivery.sms"),
        ("STEPGATE_DELIVERY_SMS", "webhook:ftp://sms.Zq9.example.com/hook", "delivery.sms"),
        ("STEPGATE_DELIVERY_SMS", "sms://Zq9", "delivery.sms"),
        ("STEPGATE_DELIVERY_SMS_WEBHOOK_SECRET", "short-Zq9", "delivery.sms_webhook_secret"),
        ("STEPGATE_DELIVERY_MAX_ATTEMPTS", "0", "delivery.max_attempts"),
        ("STEPGATE_DELIVERY_MAX_ATTEMPTS", "21", "delivery.max_attempts"),
        ("STEPGATE_DELIVERY_TIMEOUT", "2m", "delivery.timeout"),
    ])
    func badValue_isAProblemNamingTheKeyNotTheValue(name: String, value: String, key: String) {
        let found = problems([name: value])

        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix(key + " ") == true, "\(found)")
        #expect(found.first?.contains("Zq9") == false)
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems([
            "STEPGATE_DELIVERY_EMAIL": "smtp://mail.example.com",
            "STEPGATE_DELIVERY_SMTP_USERNAME": "stepgate",
            "STEPGATE_DELIVERY_SMTP_TLS": "always",
            "STEPGATE_DELIVERY_SMS": "webhook:https://sms.example.com/hook",
            "STEPGATE_DELIVERY_MAX_ATTEMPTS": "many",
        ])

        #expect(found.count == 5, "\(found)")
        for key in [
            "delivery.email_from:", "delivery.smtp_username, delivery.smtp_password:", "delivery.smtp_tls (",
            "delivery.sms_webhook_secret:", "delivery.max_attempts (",
        ] {
            #expect(found.contains { $0.hasPrefix(key) }, "\(key) in \(found)")
        }
    }

    @Test func fileKeys_areKnown() throws {
        let path = NSTemporaryDirectory() + "stepgate-config-" + UUID().uuidString
        try """
        [delivery]
        email = console
        sms = console
        max_attempts = 2
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let configuration = try ServerConfiguration.load(.init(filePath: path))

        #expect(configuration.delivery.channels == [.email, .sms] && configuration.delivery.maxAttempts == 2)
    }
}
