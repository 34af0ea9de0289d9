public import StepgateCrypto

/// HMAC-based one-time passwords (RFC 4226).
///
/// Holds a secret: its descriptions print `<redacted>`.
public struct HOTP: Sendable {
    /// The digit counts RFC 4226 §5.3 allows here; 6 is the usual, 8 the RFC 6238 vectors.
    public static let allowedDigits = 6...10

    /// Number of decimal digits in each code.
    public let digits: Int
    /// The HMAC hash function (RFC 6238 §1.2 also allows SHA-256 and SHA-512).
    public let algorithm: DigestAlgorithm
    private let secret: [UInt8]

    /// A generator for `secret`.
    ///
    /// `digits` must lie in `allowedDigits`; anything else is a programming error and traps,
    /// so validate configured values first.
    public init(secret: [UInt8], digits: Int = 6, algorithm: DigestAlgorithm = .sha1) {
        precondition(Self.allowedDigits.contains(digits), "HOTP digits must be 6 to 10")
        self.secret = secret
        self.digits = digits
        self.algorithm = algorithm
    }

    /// The code for `counter`, zero-padded to `digits` digits.
    public func code(counter: UInt64) -> String {
        let message = (0..<8).map { UInt8(truncatingIfNeeded: counter >> (56 - 8 * UInt64($0))) }
        let mac = HMAC.authenticationCode(algorithm, key: secret, message: message)

        // RFC 4226 §5.3: dynamic truncation to a 31-bit number.
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            UInt64(mac[offset] & 0x7F) << 24
            | UInt64(mac[offset + 1]) << 16
            | UInt64(mac[offset + 2]) << 8
            | UInt64(mac[offset + 3])
        let value = binary % Self.powerOfTen(digits)

        let text = String(value)
        return String(repeating: "0", count: digits - text.count) + text
    }

    private static func powerOfTen(_ exponent: Int) -> UInt64 {
        (0..<exponent).reduce(1) { result, _ in result * 10 }
    }
}

extension HOTP: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Always `HOTP(<redacted>)`: the secret never reaches a description.
    public var description: String { "HOTP(<redacted>)" }

    /// Always `HOTP(<redacted>)`.
    public var debugDescription: String { description }

    /// A mirror without children, so `dump` cannot print the secret.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
