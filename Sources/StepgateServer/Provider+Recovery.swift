import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore

/// Recovery codes: ten single-use codes, shown once, kept as keyed hashes.
///
/// A code is 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U), shown as
/// `xxxxx-xxxxx`: 50 bits each. Case, spaces and dashes do not matter when one is typed. The
/// hash is an HMAC under a key derived from the master key, so a copy of the database alone
/// cannot be searched for codes offline.
extension Provider {
    /// How many codes a set has.
    static let recoveryCodeCount = 10
    static let recoveryAlphabet = Array("ABCDEFGHJKMNPQRSTVWXYZ23456789".utf8)

    /// Replaces the user's recovery codes with ten new ones and returns them, for showing once.
    func regenerateRecoveryCodes(userID: String) throws -> [String] {
        let codes = (0..<Self.recoveryCodeCount).map { _ in newRecoveryCode() }
        try store.replaceRecoveryCodes(userID: userID, hashes: codes.map(recoveryCodeHash), at: clock.now)
        return codes
    }

    /// `xxxxx-xxxxx` from the recovery alphabet, without modulo bias.
    private func newRecoveryCode() -> String {
        var characters: [UInt8] = []
        while characters.count < 10 {
            for byte in random.bytes(16) where characters.count < 10 {
                // 240 is the largest multiple of the alphabet's 30 letters below 256.
                guard byte < 240 else { continue }
                characters.append(Self.recoveryAlphabet[Int(byte) % Self.recoveryAlphabet.count])
            }
        }
        characters.insert(UInt8(ascii: "-"), at: 5)
        return String(decoding: characters, as: UTF8.self)
    }

    /// The keyed hash of `code` after normalising it (upper case, no spaces or dashes).
    func recoveryCodeHash(_ code: String) -> [UInt8] {
        let normalized = code.uppercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") }
        return HMAC.authenticationCode(.sha256, key: recoveryKey, message: Array(normalized))
    }

    private var recoveryKey: [UInt8] { masterKey.derive("stepgate recovery code v1") }

    /// Answers the recovery step: the code is used up atomically, so it works once; using one
    /// is audited and the user is told how many are left.
    func answerRecoveryCode(_ context: FlowContext, code: String, requestID: String) throws -> FlowAnswer {
        guard let userID = context.session.record.userID else {
            return FlowAnswer(outcome: try nextOutcome(context, requestID: requestID))
        }
        let attempt: Int
        switch try beginAnswer(context, userID: userID, requestID: requestID) {
        case .attempt(let reserved): attempt = reserved
        case .stop(let answer): return answer
        }
        let used = try store.consumeRecoveryCode(userID: userID, hash: recoveryCodeHash(code), now: clock.now)
        if used {
            let left = try store.recoveryCodeCount(userID: userID).unused
            audit(
                .recoveryCodeUsed,
                context,
                requestID: requestID,
                [AuditKey.subject: userID, AuditKey.remaining: String(left)]
            )
            try notifyFactorChange(userID: userID, change: .recoveryCodeUsed(remaining: left), requestID: requestID)
        }
        return try settleAnswer(
            context,
            SettledAnswer(
                step: .recovery,
                method: .recovery,
                userID: userID,
                attempt: attempt,
                rejection: used ? nil : "wrong_code"
            ),
            requestID: requestID
        )
    }
}
