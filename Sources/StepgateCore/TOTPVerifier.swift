public import Foundation
public import StepgateCrypto

/// Checks TOTP codes for the step-up flow with one fixed configuration.
///
/// The returned step must then be consumed with one atomic conditional update in the store
/// (only if greater than the stored last-used step), or two concurrent requests could both
/// succeed with the same code.
public struct TOTPVerifier: Sendable {
    /// Number of digits in each code.
    public let digits: Int
    /// Length of one time step in seconds.
    public let period: Int
    /// Steps accepted either side of the current one, for clock skew.
    public let drift: Int
    /// The HMAC hash function.
    public let algorithm: DigestAlgorithm

    /// A verifier; defaults are those of every common authenticator app.
    ///
    /// `digits` must lie in `HOTP.allowedDigits`, `period` must be positive and `drift` not
    /// negative; anything else traps, so validate configured values first.
    public init(
        digits: Int = 6,
        period: Int = 30,
        drift: Int = 1,
        algorithm: DigestAlgorithm = .sha1
    ) {
        precondition(HOTP.allowedDigits.contains(digits), "TOTP digits must be 6 to 10")
        precondition(period > 0, "TOTP period must be positive")
        precondition(drift >= 0, "TOTP drift must not be negative")
        self.digits = digits
        self.period = period
        self.drift = drift
        self.algorithm = algorithm
    }

    /// The step that `code` proves at `date`, for the caller to consume.
    ///
    /// Throws `malformed` when the code is not exactly `digits` ASCII digits, `replayed` when it
    /// matches only steps at or before `lastUsedStep`, and `mismatch` otherwise.
    public func verify(
        code: String,
        secret: [UInt8],
        lastUsedStep: Int64?,
        at date: Date
    ) throws(TOTPError) -> Int64 {
        let totp = TOTP(secret: secret, digits: digits, period: period, algorithm: algorithm)
        switch totp.match(code, at: date, drift: drift, after: lastUsedStep) {
        case .matched(let step):
            return step
        case .malformed:
            throw TOTPError(.malformed, "code is not \(digits) ASCII digits")
        case .replayed:
            throw TOTPError(.replayed, "code matches only an already used time step")
        case .mismatch:
            throw TOTPError(.mismatch, "code matches no time step within \(drift) of now")
        }
    }
}
