public import Foundation
public import StepgateCrypto

/// Time-based one-time passwords (RFC 6238) over `HOTP`.
///
/// Holds a secret: its descriptions print `<redacted>`. A matched step must still be consumed
/// atomically in the store, or the same code works twice.
public struct TOTP: Sendable {
    /// Length in bytes of secrets from `generateSecret`: 160 bits, as RFC 4226 §4 recommends.
    public static let secretLength = 20

    /// Number of decimal digits in each code.
    public var digits: Int { hotp.digits }
    /// The HMAC hash function.
    public var algorithm: DigestAlgorithm { hotp.algorithm }
    /// Length of one time step in seconds (RFC 6238 §4.1 `X`).
    public let period: Int
    private let hotp: HOTP
    private let secret: [UInt8]

    /// A generator for `secret`.
    ///
    /// `digits` must lie in `HOTP.allowedDigits` and `period` must be positive; anything else
    /// is a programming error and traps, so validate configured values first.
    public init(
        secret: [UInt8],
        digits: Int = 6,
        period: Int = 30,
        algorithm: DigestAlgorithm = .sha1
    ) {
        precondition(period > 0, "TOTP period must be positive")
        self.hotp = HOTP(secret: secret, digits: digits, algorithm: algorithm)
        self.secret = secret
        self.period = period
    }

    /// The time step that contains `date` (RFC 6238 §4.2, `T0` = Unix epoch).
    ///
    /// Dates too far from the epoch to count in steps are clamped to ±2⁶² steps.
    public func step(at date: Date) -> Int64 {
        let steps = (date.timeIntervalSince1970 / Double(period)).rounded(.down)
        let limit = Double(Int64(1) << 62)
        guard steps.isFinite else { return steps > 0 ? Int64(limit) : -Int64(limit) }
        return Int64(min(max(steps, -limit), limit))
    }

    /// The code valid at `date`.
    public func code(at date: Date) -> String {
        code(step: step(at: date))
    }

    /// The code of time step `step`.
    public func code(step: Int64) -> String {
        hotp.code(counter: UInt64(truncatingIfNeeded: step))
    }

    /// The step that `code` matches near `date`, or nil.
    ///
    /// Checks the current step and `drift` steps either side (RFC 6238 §5.2), and accepts only
    /// steps greater than `lastUsedStep`, so a code cannot be replayed. Every candidate is
    /// computed and compared in constant time, without stopping at a match. When several
    /// steps match, the latest wins, so the same code cannot be replayed against a later step.
    /// A `code` that is not exactly `digits` ASCII digits matches nothing.
    public func matchingStep(
        for code: String,
        at date: Date,
        drift: Int = 1,
        after lastUsedStep: Int64?
    ) -> Int64? {
        guard case .matched(let step) = match(code, at: date, drift: drift, after: lastUsedStep) else {
            return nil
        }
        return step
    }

    /// A fresh random secret of `secretLength` bytes.
    public static func generateSecret(random: any RandomSource) -> [UInt8] {
        random.bytes(secretLength)
    }

    /// The `otpauth://` URI that authenticator apps import (the Key URI Format).
    ///
    /// Shape: `otpauth://totp/<issuer>:<account>?secret=<BASE32>&issuer=<issuer>&algorithm=SHA1
    /// &digits=6&period=30`, with issuer and account percent-encoded (RFC 3986 unreserved
    /// characters stay as they are). The URI holds the secret: never log or store it.
    public func provisioningURI(issuer: String, account: String) -> String {
        let label = Self.percentEncoded(issuer) + ":" + Self.percentEncoded(account)
        let query = [
            "secret=" + Base32.encode(secret),
            "issuer=" + Self.percentEncoded(issuer),
            "algorithm=" + algorithm.rawValue.uppercased(),
            "digits=\(digits)",
            "period=\(period)",
        ]
        return "otpauth://totp/" + label + "?" + query.joined(separator: "&")
    }
}

extension TOTP {
    /// What a code check found; internal so the verifier can tell a replay from a miss.
    enum Match: Equatable {
        case matched(Int64)
        case replayed
        case mismatch
        case malformed
    }

    func match(_ code: String, at date: Date, drift: Int, after lastUsedStep: Int64?) -> Match {
        precondition(drift >= 0, "TOTP drift must not be negative")
        guard isWellFormed(code) else { return .malformed }
        let submitted = Array(code.utf8)
        let current = step(at: date)

        var latestFresh: Int64?
        var sawUsed = false
        for candidate in (current - Int64(drift))...(current + Int64(drift)) {
            let equal = constantTimeEquals(submitted, Array(self.code(step: candidate).utf8))
            guard equal else { continue }
            if let lastUsedStep, candidate <= lastUsedStep {
                sawUsed = true
            } else {
                latestFresh = candidate
            }
        }

        if let latestFresh { return .matched(latestFresh) }
        return sawUsed ? .replayed : .mismatch
    }

    /// Whether `code` is exactly `digits` ASCII digits; other Unicode digits do not count.
    func isWellFormed(_ code: String) -> Bool {
        let ascii = UInt8(ascii: "0")...UInt8(ascii: "9")
        return code.utf8.count == digits && code.utf8.allSatisfy(ascii.contains)
    }

    /// `text` with every byte outside RFC 3986 unreserved characters percent-encoded.
    static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension TOTP: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Always `TOTP(<redacted>)`: the secret never reaches a description.
    public var description: String { "TOTP(<redacted>)" }

    /// Always `TOTP(<redacted>)`.
    public var debugDescription: String { description }

    /// A mirror without children, so `dump` cannot print the secret.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
