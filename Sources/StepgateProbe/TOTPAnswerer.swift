import Foundation
// Public: built from the StepgateCore `Clock` seam.
public import StepgateCore
import StepgateCrypto
import Synchronization

/// Answers one user's TOTP steps (RFC 6238) the way a careful person would: never the same
/// time-step twice. When the current step was already handed out, it waits for the next one
/// rather than reuse it, since a verifier must refuse a second use (§5.2).
///
/// Every code handed out marks its step used at once, accepted or not: a code the target
/// refused may still have consumed its step (or another client used it first).
public final class TOTPAnswerer: Sendable {
    /// A code given out, and the step it belongs to.
    public struct Code: Sendable, Equatable {
        public let value: String
        public let step: Int64

        public init(value: String, step: Int64) {
            self.value = value
            self.step = step
        }
    }

    private struct State {
        var lastHandedOut: Int64?
        var lastAccepted: Code?
    }

    private let totp: TOTP
    private let clock: any Clock
    private let sleeper: any Sleeper
    private let state = Mutex(State())

    /// An answerer for the base32 `seed` (SHA-1, 6 digits, 30 s); nil when `seed` is not base32.
    public init?(seed: Secret, clock: any Clock, sleeper: any Sleeper) {
        guard let bytes = Base32.decode(seed.revealed), !bytes.isEmpty else { return nil }
        totp = TOTP(secret: bytes)
        self.clock = clock
        self.sleeper = sleeper
    }

    /// The length of one time-step, in seconds.
    public var period: Int { totp.period }

    /// The step of the current time.
    public var currentStep: Int64 { totp.step(at: clock.now) }

    /// Seconds until a step not yet handed out begins; 0 when the current one is unused.
    public var secondsUntilFreshStep: Double {
        let last = state.withLock { $0.lastHandedOut }
        guard let last, last >= currentStep else { return 0 }
        let nextStart = Double(last + 1) * Double(totp.period)
        return max(0, nextStart - clock.now.timeIntervalSince1970)
    }

    /// A code of a step never handed out before, waiting for the next step when needed.
    ///
    /// - Throws: `ProbeError.login` when that would take longer than `maxWait` seconds.
    public func freshCode(maxWait: Double) throws(ProbeError) -> Code {
        try waitForFreshStep(maxWait: maxWait)
        let step = currentStep
        state.withLock { $0.lastHandedOut = max($0.lastHandedOut ?? step, step) }
        return Code(value: totp.code(step: step), step: step)
    }

    /// Waits until the current step is one not yet handed out.
    public func waitForFreshStep(maxWait: Double) throws(ProbeError) {
        let wait = secondsUntilFreshStep
        guard wait <= maxWait else {
            throw ProbeError(
                .login,
                "the next TOTP step is \(Int(wait.rounded(.up))) s away, over the wait limit"
            )
        }
        if wait > 0 { sleeper.sleep(seconds: wait + 0.05) }
    }

    /// A code of the right length that is no step's code from two steps before to two after
    /// the current one: a guess that cannot be right, for the brute-force case. Marks nothing.
    public func wrongCode() -> String {
        let current = currentStep
        let near = Set((current - 2...current + 2).map { totp.code(step: $0) })
        let length = totp.code(step: current).count
        var modulus = 1
        for _ in 0..<length { modulus *= 10 }
        var value = (Int(totp.code(step: current)) ?? 0) + modulus / 2
        while true {
            let text = String(value % modulus)
            let padded = String(repeating: "0", count: max(0, length - text.count)) + text
            if !near.contains(padded) { return padded }
            value += 1
        }
    }

    /// Records that the target accepted `code`.
    public func accepted(_ code: Code) {
        state.withLock { $0.lastAccepted = code }
    }

    /// The last code the target accepted, while its step is still inside the verifier's usual
    /// window (the current step or the one before), so that only replay protection can refuse it.
    public var replayableCode: Code? {
        let current = currentStep
        return state.withLock { $0.lastAccepted }.flatMap { $0.step >= current - 1 ? $0 : nil }
    }
}
