import Foundation
import StepgateHTTP

extension ConfigReader {
    /// The `delivery.*` keys (see `DeliveryConfiguration`); every problem names its key and never
    /// echoes a value.
    mutating func readDelivery(into delivery: inout DeliveryConfiguration) {
        readEmail(into: &delivery)
        readSMS(into: &delivery)
        integer("delivery.max_attempts", range: 1...20, into: &delivery.maxAttempts)
        duration("delivery.timeout", maximum: 60, into: &delivery.timeout)
    }

    private mutating func readEmail(into delivery: inout DeliveryConfiguration) {
        if let (value, origin) = raw("delivery.email") {
            if value == "none" {
                delivery.email = .none
            } else if value == "console" {
                delivery.email = .console
            } else if let path = filePath(value, key: "delivery.email", origin: origin) {
                delivery.email = .file(path)
            } else if value.hasPrefix("smtp://") || value.hasPrefix("smtps://") {
                if Self.isServerURL(value, schemes: ["smtp", "smtps"]) {
                    delivery.email = .smtp(value)
                } else {
                    problems.append(
                        "delivery.email (\(origin)): expected smtp://HOST[:PORT] or smtps://HOST[:PORT], "
                            + "without user, path, query or fragment"
                    )
                }
            } else if !value.hasPrefix("file:") {
                problems.append(
                    "delivery.email (\(origin)): expected smtp://HOST[:PORT], smtps://HOST[:PORT], file:PATH, "
                        + "console or none"
                )
            }
        }
        if let (value, origin) = raw("delivery.email_from") {
            if MailMessage.isValidAddress(value) {
                delivery.emailFrom = value
            } else {
                problems.append("delivery.email_from (\(origin)): expected an address like stepgate@example.com")
            }
        }
        readSMTP(into: &delivery)
    }

    private mutating func readSMTP(into delivery: inout DeliveryConfiguration) {
        let isSMTP: Bool
        if case .smtp = delivery.email { isSMTP = true } else { isSMTP = false }
        if isSMTP && delivery.emailFrom == nil && raw("delivery.email_from") == nil {
            problems.append("delivery.email_from: required when delivery.email is an smtp:// or smtps:// URL")
        }
        delivery.smtpUsername = raw("delivery.smtp_username")?.value
        delivery.smtpPassword = raw("delivery.smtp_password")?.value
        if (delivery.smtpUsername == nil) != (delivery.smtpPassword == nil) {
            problems.append(
                "delivery.smtp_username, delivery.smtp_password: expected both or neither "
                    + "(the password may come from STEPGATE_DELIVERY_SMTP_PASSWORD)"
            )
        }
        if let (value, origin) = raw("delivery.smtp_tls") {
            if let mode = DeliveryConfiguration.SMTPTLS(rawValue: value) {
                delivery.smtpTLS = mode
            } else {
                problems.append("delivery.smtp_tls (\(origin)): expected try or require")
            }
        }
        if let (path, origin) = raw("delivery.smtp_ca_file") {
            if FileManager.default.isReadableFile(atPath: path) {
                delivery.smtpCAFile = path
            } else {
                problems.append("delivery.smtp_ca_file (\(origin)): expected a readable PEM file")
            }
        }
    }

    private mutating func readSMS(into delivery: inout DeliveryConfiguration) {
        if let (value, origin) = raw("delivery.sms") {
            if value == "none" {
                delivery.sms = .none
            } else if value == "console" {
                delivery.sms = .console
            } else if let path = filePath(value, key: "delivery.sms", origin: origin) {
                delivery.sms = .file(path)
            } else if value.hasPrefix("webhook:") {
                let url = String(value.dropFirst("webhook:".count))
                if Self.isServerURL(url, schemes: ["https"]) || Self.isLoopbackHTTP(url) {
                    delivery.sms = .webhook(url)
                } else {
                    problems.append(
                        "delivery.sms (\(origin)): expected webhook:https://… (http only to 127.0.0.1, ::1 or "
                            + "localhost), without user or fragment"
                    )
                }
            } else if !value.hasPrefix("file:") {
                problems.append("delivery.sms (\(origin)): expected webhook:URL, file:PATH, console or none")
            }
        }
        if let (secret, origin) = raw("delivery.sms_webhook_secret") {
            if secret.utf8.count >= 32 {
                delivery.smsWebhookSecret = secret
            } else {
                problems.append("delivery.sms_webhook_secret (\(origin)): expected at least 32 bytes")
            }
        }
        if case .webhook = delivery.sms, raw("delivery.sms_webhook_secret") == nil {
            problems.append(
                "delivery.sms_webhook_secret: required when delivery.sms is a webhook "
                    + "(set STEPGATE_DELIVERY_SMS_WEBHOOK_SECRET)"
            )
        }
    }

    /// The path of a `file:PATH` value whose folder exists; nil (with a problem when it is a
    /// `file:` value) otherwise.
    private mutating func filePath(_ value: String, key: String, origin: String) -> String? {
        guard value.hasPrefix("file:") else { return nil }
        let path = String(value.dropFirst("file:".count))
        var isDirectory: ObjCBool = false
        let folder = (path as NSString).deletingLastPathComponent
        let exists = FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isDirectory)
        guard !path.isEmpty, !path.hasSuffix("/"), exists, isDirectory.boolValue else {
            problems.append("\(key) (\(origin)): expected file:PATH in an existing folder")
            return nil
        }
        return path
    }

    /// An absolute URL with one of `schemes`, a host, no user info, query or fragment, and at
    /// most `/` as its path.
    static func isServerURL(_ text: String, schemes: Set<String>) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme, schemes.contains(scheme),
            let host = url.host, !host.isEmpty, url.user == nil, url.password == nil, url.fragment == nil
        else { return false }
        if schemes.contains("https") { return true }
        return url.query == nil && (url.path.isEmpty || url.path == "/")
    }

    /// An `http` URL to this machine only: plain HTTP never leaves the host.
    static func isLoopbackHTTP(_ text: String) -> Bool {
        guard let url = URL(string: text), url.scheme == "http", let host = url.host, url.user == nil,
            url.password == nil, url.fragment == nil
        else { return false }
        return host == "localhost" || host == "::1" || host == "[::1]"
            || host.hasPrefix("127.")
                && host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
    }
}
