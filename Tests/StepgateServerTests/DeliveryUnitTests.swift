import Foundation
import StepgateCore
import Testing

@testable import StepgateServer

/// Signatures, the backoff schedule and the checks `OutgoingMessage` makes.
@Suite struct DeliveryUnitTests {
    static let secret = Array("whsec-test-0123456789-0123456789-abcdef".utf8)
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func signature_matchesAnIndependentHMAC() {
        // python3: hmac.new(secret, b'1800000000.{"id":"m1"}', hashlib.sha256).hexdigest()
        let header = WebhookSignature.header(
            secret: Self.secret,
            timestamp: 1_800_000_000,
            body: Array(#"{"id":"m1"}"#.utf8)
        )

        #expect(header == "t=1800000000,v1=b7e34e82810cfa3cf35dd8916ae5e8ca9319321d7536eb6a079b0a8edd25ad86")
    }

    @Test func signature_verifiesOnlyTheSignedBodyInTime() {
        let body = Array(#"{"id":"m1","text":"Code 1"}"#.utf8)
        let header = WebhookSignature.header(secret: Self.secret, timestamp: 1_800_000_000, body: body)

        #expect(WebhookSignature.isValid(header: header, secret: Self.secret, body: body, now: Self.now))
        #expect(WebhookSignature.isValid(header: header + ",v2=abc", secret: Self.secret, body: body, now: Self.now))
        #expect(!WebhookSignature.isValid(header: header, secret: Self.secret, body: body + [0x20], now: Self.now))
        #expect(!WebhookSignature.isValid(header: header, secret: Self.secret + [1], body: body, now: Self.now))
        #expect(
            !WebhookSignature.isValid(header: header, secret: Self.secret, body: body, now: Self.now + 301),
            "too old"
        )
        #expect(WebhookSignature.isValid(header: header, secret: Self.secret, body: body, now: Self.now + 300))
        for broken in ["", "t=1800000000", "v1=00", "t=x,v1=00", header.replacingOccurrences(of: "t=18", with: "t=19")]
        {
            #expect(!WebhookSignature.isValid(header: broken, secret: Self.secret, body: body, now: Self.now))
        }
    }

    @Test func retrySchedule_backsOffThenGivesUp() {
        let schedule = RetrySchedule(maxAttempts: 8)

        #expect((1...7).map { schedule.delay(afterAttempt: $0) } == [10, 30, 120, 600, 1_800, 1_800, 1_800])
        #expect(schedule.delay(afterAttempt: 8) == nil)
        #expect(RetrySchedule(maxAttempts: 1).delay(afterAttempt: 1) == nil)
        #expect(RetrySchedule(maxAttempts: 6).delay(afterAttempt: 5) == 1_800)
    }

    @Test(arguments: [
        "+4915112345678", "+12025550123", "+4420",
    ])
    func sms_acceptsE164(number: String) throws {
        #expect(OutgoingMessage.isE164(number) == (number.count >= 8))
    }

    @Test(arguments: [
        "4915112345678", "+0915112345678", "+49 151 12345678", "+49151123456789012", "+49151\n12345678", "+49-151-1234",
        "",
    ])
    func sms_refusesMalformedNumbers(number: String) {
        let error = #expect(throws: DeliveryError.self) {
            _ = try OutgoingMessage.sms(to: number, text: "x", purpose: .otp)
        }
        #expect(error?.code == .invalidRecipient)
    }

    @Test(arguments: ["alice@example.org\r\nBcc: x@example.org", "alice", "alice@example.org\n"])
    func email_refusesMalformedRecipients(address: String) {
        let error = #expect(throws: DeliveryError.self) {
            _ = try OutgoingMessage.email(to: address, subject: "s", text: "t", purpose: .otp)
        }
        #expect(error?.code == .invalidRecipient)
    }

    @Test(
        arguments: [
            (DeliveryChannel.email, "Hi\r\nBcc: x@example.org", "text"),
            (.email, "", "text"),
            (.email, "Subject", ""),
            (.email, "Subject", "nul\u{0}"),
            (.email, "Subject", String(repeating: "x", count: OutgoingMessage.maxEmailTextBytes + 1)),
            (.sms, "Subject", "text"),
            (.sms, nil, String(repeating: "x", count: OutgoingMessage.maxSMSCharacters + 1)),
        ] as [(DeliveryChannel, String?, String)]
    )
    func message_refusesBadSubjectOrText(channel: DeliveryChannel, subject: String?, text: String) {
        let recipient = channel == .email ? "alice@example.org" : "+4915112345678"
        let error = #expect(throws: DeliveryError.self) {
            _ = try OutgoingMessage(channel: channel, recipient: recipient, subject: subject, text: text, purpose: .otp)
        }
        #expect(error?.code == .invalidMessage)
    }

    @Test func message_printsNothingPrivate() throws {
        let message = try OutgoingMessage.sms(to: "+4915112345678", text: "Code 123456", purpose: .otp)

        #expect("\(message)" == "OutgoingMessage(sms, otp, <redacted>)")
        #expect(!"\(OutboxPayload(recipient: "+4915112345678", subject: nil, text: "Code 123456"))".contains("123456"))
    }
}
