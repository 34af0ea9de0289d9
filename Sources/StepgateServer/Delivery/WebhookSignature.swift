public import Foundation
import StepgateCrypto

/// The `Stepgate-Signature` header of a webhook delivery: `t=<unix seconds>,v1=<hex MAC>`.
///
/// The MAC is HMAC-SHA256 under the shared secret (`delivery.sms_webhook_secret`, its UTF-8
/// bytes) of `"<t>.<body>"`: the decimal timestamp, a dot, and the exact body bytes. Binding the
/// time lets a receiver refuse old deliveries replayed by someone who recorded one.
public enum WebhookSignature {
    /// The header value for `body` sent at `timestamp`.
    public static func header(secret: [UInt8], timestamp: Int64, body: [UInt8]) -> String {
        "t=\(timestamp),v1=" + hex(mac(secret: secret, timestamp: timestamp, body: body))
    }

    /// Whether `header` signs `body` under `secret` at a time within `tolerance` seconds of
    /// `now`; the MAC is compared in constant time. Unknown fields are ignored, so a receiver
    /// keeps working when a later version adds a `v2`.
    public static func isValid(
        header: String,
        secret: [UInt8],
        body: [UInt8],
        now: Date,
        tolerance: TimeInterval = 300
    ) -> Bool {
        var timestamp: Int64?
        var macs: [[UInt8]] = []
        for field in header.split(separator: ",") {
            let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[0] == "t" { timestamp = Int64(parts[1]) }
            if parts[0] == "v1", let bytes = unhex(parts[1]) { macs.append(bytes) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = mac(secret: secret, timestamp: timestamp, body: body)
        var valid = false
        for candidate in macs where constantTimeEquals(candidate, expected) { valid = true }
        return valid
    }

    private static func mac(secret: [UInt8], timestamp: Int64, body: [UInt8]) -> [UInt8] {
        HMAC.authenticationCode(.sha256, key: secret, message: Array("\(timestamp).".utf8) + body)
    }

    private static let digits = Array("0123456789abcdef")

    static func hex(_ bytes: [UInt8]) -> String {
        String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
    }

    private static func unhex(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let high = nibble(characters[index]), let low = nibble(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
