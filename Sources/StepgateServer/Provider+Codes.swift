import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore

/// One-time codes by SMS and e-mail: six digits, kept as a keyed hash, bound to the session and
/// the flow, valid for `otp.lifetime`, `otp.max_attempts` wrong answers each, and sent again
/// no sooner than `otp.resend_interval` and at most `otp.hourly_limit` times an hour per
/// factor. Delivery goes through the outbox, so a slow provider never holds up the page.
///
/// These are weaker factors than an app or a key (NIST SP 800-63B §5.1.3.3 "restricted"): a
/// level can leave `sms` and `email` out of its methods, and a code from the same channel
/// twice never counts as two factors (see `AssurancePolicy`).
extension Provider {
    /// Sends a new code to the user's `factorID` for this flow, when the throttles allow it,
    /// and shows the code step. Nothing is sent for a factor that is not the user's.
    func sendCode(_ context: FlowContext, factorID: String, channel: CodeChannel, requestID: String) throws
        -> FlowAnswer
    {
        let step = FlowStep.code(factorID: factorID, channel: channel)
        guard let userID = context.session.record.userID, let factor = try store.factor(id: factorID),
            factor.userID == userID, factor.kind == channel.rawValue
        else { return FlowAnswer(outcome: try nextOutcome(context, requestID: requestID)) }
        let now = clock.now
        if let retry = try throttled(userID) {
            audit(.stepUpThrottled, context, requestID: requestID, [AuditKey.subject: userID])
            return .rejected(.throttled(retryAfter: retry))
        }
        if let refusal = try accountRefusal(userID, requestID: requestID) {
            return .rejected(.rateLimited(retryAfter: refusal.retryAfter))
        }
        let last = try store.lastOneTimeCodeSent(sessionIDHash: context.session.idHash, factorID: factorID)
        let recent = try store.oneTimeCodesSent(factorID: factorID, since: now.addingTimeInterval(-3600))
        guard last.map({ now.timeIntervalSince($0) >= configuration.otpResendInterval }) ?? true,
            recent < configuration.otpHourlyLimit
        else {
            // Too soon or too often: the code already sent (if any) stays the one to answer.
            logger.notice("code not sent: throttled", [LogKey.requestID: requestID, LogKey.subject: userID])
            var outcome = try nextOutcome(context, choice: step.choice, requestID: requestID)
            if case .prompt(var prompt) = outcome {
                prompt.notice =
                    recent >= configuration.otpHourlyLimit
                    ? "Too many codes were sent there in the last hour. Use another way, or try again later."
                    : "A code was sent a moment ago. Wait half a minute before asking for another."
                outcome = .prompt(prompt)
            }
            return FlowAnswer(outcome: outcome)
        }

        let code = newNumericCode()
        var recipient = try masterKey.open(factor.sealedSecret, purpose: "\(channel.rawValue):\(factor.id)")
        defer { wipe(&recipient) }
        try store.insertOneTimeCode(
            OneTimeCodeRecord(
                id: random.token(byteCount: 18),
                userID: userID,
                factorID: factorID,
                sessionIDHash: context.session.idHash,
                flowID: context.flow.id,
                codeHash: oneTimeCodeHash(code, factorID: factorID),
                attempts: 0,
                createdAt: now,
                expiresAt: now.addingTimeInterval(configuration.otpLifetime)
            )
        )
        try notifier.enqueue(
            try OutgoingMessage(
                channel: channel == .sms ? .sms : .email,
                recipient: String(decoding: recipient, as: UTF8.self),
                subject: channel == .email ? "Your \(configuration.serviceName) code: \(code)" : nil,
                text: try codeText(code, context),
                purpose: .otp
            )
        )
        audit(
            .codeSent,
            context,
            requestID: requestID,
            [AuditKey.subject: userID, AuditKey.factorID: factorID, AuditKey.factorKind: channel.rawValue]
        )
        metrics.increment("stepgate_codes_sent_total", [("channel", channel.rawValue)])
        return FlowAnswer(outcome: try nextOutcome(context, choice: step.choice, requestID: requestID))
    }

    /// The message: the code, what it approves when the flow approves a transaction, and a
    /// warning to share it with nobody. A code is useless without the session that asked for it.
    private func codeText(_ code: String, _ context: FlowContext) throws -> String {
        var text = "\(code) is your \(configuration.serviceName) code."
        if let (action, fields) = try approvedTransaction(context) {
            text +=
                " It approves \(action): "
                + fields.keys.sorted().map { "\($0) \(fields[$0] ?? "")" }.joined(separator: ", ") + "."
        }
        return text + " Do not share it with anyone; we will never ask you for it."
    }

    /// The transaction the flow approves, as its approval box shows it: from
    /// `authorization_details`, or from the challenge of a step-up the decision endpoint asked
    /// for (the bank behind nginx); nil for a flow bound to no transaction.
    private func approvedTransaction(_ context: FlowContext) throws -> (action: String, fields: [String: String])? {
        if let transaction = context.request.transaction { return (transaction.action, transaction.fields) }
        guard let id = context.request.stepUpChallenge, let challenge = try store.challenge(id: id),
            challenge.transactionHash != nil
        else { return nil }
        let details = (try? JSONValue.parse(Array(challenge.details.utf8))) ?? .object([:])
        return (challenge.action, details["fields"]?.objectValue?.compactMapValues(\.stringValue) ?? [:])
    }

    /// Answers a code step: an attempt is taken and the code used up in one transaction.
    func answerCode(
        _ context: FlowContext,
        factorID: String,
        channel: CodeChannel,
        code: String,
        requestID: String
    ) throws -> FlowAnswer {
        guard let userID = context.session.record.userID else {
            return FlowAnswer(outcome: try nextOutcome(context, requestID: requestID))
        }
        let attempt: Int
        switch try beginAnswer(context, userID: userID, requestID: requestID) {
        case .attempt(let reserved): attempt = reserved
        case .stop(let answer): return answer
        }
        let answer = try store.answerOneTimeCode(
            sessionIDHash: context.session.idHash,
            factorID: factorID,
            codeHash: oneTimeCodeHash(code, factorID: factorID),
            maxAttempts: configuration.otpMaxAttempts,
            now: clock.now
        )
        let rejection: String?
        switch answer {
        case .accepted(let record): rejection = record.flowID == context.flow.id ? nil : "other_flow"
        case .wrong: rejection = "wrong_code"
        case .unavailable: rejection = "no_open_code"
        }
        return try settleAnswer(
            context,
            SettledAnswer(
                step: .code(factorID: factorID, channel: channel),
                method: channel.method,
                userID: userID,
                attempt: attempt,
                rejection: rejection
            ),
            requestID: requestID
        )
    }

    /// Whether a code sent for this flow to `factorID` can still be answered. A code another
    /// flow asked for, or one that confirmed a new phone or address, does not count: this flow
    /// could not accept it.
    func isCodeOpen(_ context: FlowContext, factorID: String) throws -> Bool {
        try openCodeSent(context, factorID: factorID) != nil
    }

    /// The code step among `steps` whose code went out most recently for this flow and is still
    /// open: the page the user comes back to after a code was sent.
    func openCodeStep(_ steps: [FlowStep], _ context: FlowContext) throws -> FlowStep? {
        var best: (FlowStep, Date)?
        for step in steps {
            guard case .code(let factorID, _) = step, let sent = try openCodeSent(context, factorID: factorID)
            else { continue }
            if best.map({ sent > $0.1 }) ?? true { best = (step, sent) }
        }
        return best?.0
    }

    /// When the open code of this session and factor was sent, if this flow asked for it.
    private func openCodeSent(_ context: FlowContext, factorID: String) throws -> Date? {
        guard
            let code = try store.openOneTimeCode(
                sessionIDHash: context.session.idHash,
                factorID: factorID,
                now: clock.now
            ),
            code.flowID == context.flow.id
        else { return nil }
        return code.createdAt
    }

    /// Six random digits, without modulo bias.
    func newNumericCode() -> String {
        var digits: [UInt8] = []
        while digits.count < 6 {
            for byte in random.bytes(8) where digits.count < 6 && byte < 250 {
                digits.append(UInt8(ascii: "0") + byte % 10)
            }
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// HMAC-SHA256 of the code and the factor under a key derived from the master key: six digits
    /// hashed without a key could be found from a copy of the database in a moment.
    func oneTimeCodeHash(_ code: String, factorID: String) -> [UInt8] {
        HMAC.authenticationCode(
            .sha256,
            key: masterKey.derive("stepgate one-time code v1"),
            message: Array("\(factorID):\(code)".utf8)
        )
    }
}
