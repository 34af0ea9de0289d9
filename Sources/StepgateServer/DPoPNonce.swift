import Foundation
import StepgateCrypto

/// Stateless DPoP nonces (RFC 9449 §8): the HMAC of a five-minute time window under a key
/// derived from the master key.
///
/// Every node derives the same key, so a nonce one node hands out is accepted by all; nothing
/// is stored. A nonce is accepted in its own window and the next one, so it lives between five
/// and ten minutes. The text is 43 characters of base64url (RFC 9449 §8.1 `1*NQCHAR`).
struct DPoPNonce: Sendable {
    /// The length of one window, in seconds.
    static let window: Int64 = 300

    private let key: [UInt8]

    init(key: [UInt8]) {
        self.key = key
    }

    /// The nonce of the window holding `now`.
    func current(at now: Date) -> String {
        nonce(window: Self.windowNumber(now))
    }

    /// Whether `nonce` is the nonce of the window holding `now`, or of the one before it;
    /// compared in constant time.
    func isValid(_ nonce: String, at now: Date) -> Bool {
        let window = Self.windowNumber(now)
        let current = constantTimeEquals(nonce, self.nonce(window: window))
        let previous = constantTimeEquals(nonce, self.nonce(window: window - 1))
        return current || previous
    }

    private func nonce(window: Int64) -> String {
        var message = Array("stepgate dpop nonce".utf8)
        withUnsafeBytes(of: window.bigEndian) { message.append(contentsOf: $0) }
        return Base64URL.encode(HMAC.authenticationCode(.sha256, key: key, message: message))
    }

    private static func windowNumber(_ now: Date) -> Int64 {
        Int64(now.timeIntervalSince1970.rounded(.down)) / window
    }
}
