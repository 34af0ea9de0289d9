import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// Adding a phone number or an e-mail address for one-time codes: it is stored sealed and
/// pending, a code is sent to it, and only that code makes it a factor. Pages show it masked.
extension Provider {
    /// `POST /account/phone` with `phone` (E.164, spaces, dashes and brackets allowed).
    func addPhone(_ request: HTTPRequest) throws -> HTTPResponse {
        try managing(request) { session, user in
            let typed = ((try? request.formBody().single("phone")) ?? nil) ?? ""
            let number = String(typed.unicodeScalars.filter { !" -().".unicodeScalars.contains($0) })
            guard notifier.supports(.sms), number.utf8.count <= 16, OutgoingMessage.isE164(number) else {
                return errorPage(400, "Enter the number with its country code, such as +44 7700 900123.")
            }
            if let refusal = try accountRefusal(user.id, requestID: request.requestID) {
                return rateLimitedResponse(refusal, .html)
            }
            return try addContact(.sms, number, label: "•••• " + number.suffix(4), session: session, user: user)
        }
    }

    /// `POST /account/email` with `email`.
    func addEmail(_ request: HTTPRequest) throws -> HTTPResponse {
        try managing(request) { session, user in
            let address = (((try? request.formBody().single("email")) ?? nil) ?? "").trimmingWhitespace()
            guard notifier.supports(.email), address.utf8.count <= 254, MailMessage.isValidAddress(address) else {
                return errorPage(400, "Enter an e-mail address such as name@example.org.")
            }
            if let refusal = try accountRefusal(user.id, requestID: request.requestID) {
                return rateLimitedResponse(refusal, .html)
            }
            return try addContact(.email, address, label: Self.maskedAddress(address), session: session, user: user)
        }
    }

    /// `a•••@example.org`: the first letter and the domain.
    static func maskedAddress(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@"), let first = address.first else { return "•••" }
        return "\(first)•••\(address[at...])"
    }

    private func addContact(
        _ channel: CodeChannel,
        _ value: String,
        label: String,
        session: SessionContext,
        user: UserRecord
    ) throws -> HTTPResponse {
        if let full = try roomForFactor(userID: user.id) { return full }
        let id = "f_" + random.token(byteCount: 12)
        try store.insertFactor(
            FactorRecord(
                id: id,
                userID: user.id,
                kind: "\(channel.rawValue)_pending",
                sealedSecret: try masterKey.seal(Array(value.utf8), purpose: "\(channel.rawValue):\(id)"),
                lastUsedStep: nil,
                createdAt: clock.now,
                label: label
            )
        )
        _ = try sendConfirmationCode(factorID: id, channel: channel, value: value, session: session, userID: user.id)
        return .redirect(to: "/account/confirm?factor=\(id)")
    }

    /// Sends a code to a pending phone or address, when the throttles allow; false when not.
    private func sendConfirmationCode(
        factorID: String,
        channel: CodeChannel,
        value: String,
        session: SessionContext,
        userID: String
    ) throws -> Bool {
        let now = clock.now
        let last = try store.lastOneTimeCodeSent(sessionIDHash: session.idHash, factorID: factorID)
        guard last.map({ now.timeIntervalSince($0) >= configuration.otpResendInterval }) ?? true,
            try store.oneTimeCodesSent(factorID: factorID, since: now.addingTimeInterval(-3600))
                < configuration.otpHourlyLimit
        else { return false }
        let code = newNumericCode()
        try store.insertOneTimeCode(
            OneTimeCodeRecord(
                id: random.token(byteCount: 18),
                userID: userID,
                factorID: factorID,
                sessionIDHash: session.idHash,
                flowID: nil,
                codeHash: oneTimeCodeHash(code, factorID: factorID),
                attempts: 0,
                createdAt: now,
                expiresAt: now.addingTimeInterval(configuration.otpLifetime)
            )
        )
        let text =
            "\(code) confirms this \(channel == .sms ? "number" : "address") for \(configuration.serviceName)"
            + " sign-in codes. If you did not ask for this, ignore it."
        try notifier.enqueue(
            try OutgoingMessage(
                channel: channel == .sms ? .sms : .email,
                recipient: value,
                subject: channel == .email ? "Confirm your address: \(code)" : nil,
                text: text,
                purpose: .otp
            )
        )
        metrics.increment("stepgate_codes_sent_total", [("channel", channel.rawValue)])
        return true
    }

    /// The user's pending phone or address `factorID`, with its channel.
    private func pendingContact(_ factorID: String?, userID: String) throws -> (FactorRecord, CodeChannel)? {
        guard let factorID, let factor = try store.factor(id: factorID), factor.userID == userID else { return nil }
        switch factor.kind {
        case "sms_pending": return (factor, .sms)
        case "email_pending": return (factor, .email)
        default: return nil
        }
    }

    /// `GET /account/confirm?factor=ID`: the form for the code sent to a pending phone or address.
    func confirmContactPage(_ request: HTTPRequest) throws -> HTTPResponse {
        let factorID = (try? request.parseQuery().single("factor")) ?? nil
        return try managing(request) { session, user in
            guard let (factor, channel) = try pendingContact(factorID, userID: user.id) else {
                return errorPage(404, "There is nothing waiting to be confirmed. Start again from your account page.")
            }
            return contactPage(factor, channel, session: session, failed: false, notice: nil)
        }
    }

    private func contactPage(
        _ factor: FactorRecord,
        _ channel: CodeChannel,
        session: SessionContext,
        failed: Bool,
        notice: String?
    ) -> HTTPResponse {
        let csrf = csrfToken(session: session, scope: "account")
        let error = failed ? "<p class=\"error\" role=\"alert\">\(Self.uniformFailure)</p>" : ""
        let info = notice.map { "<p class=\"notice\" role=\"status\">\(HTML.escape($0))</p>" } ?? ""
        let body = """
            \(error)\(info)
            <p>We sent a code to <strong>\(HTML.escape(factor.label ?? ""))</strong>. Enter it to confirm \
            that \(channel == .sms ? "the number" : "the address") is yours.</p>
            <form method="post" action="/account/confirm">
            <input type="hidden" name="csrf" value="\(csrf)">
            <input type="hidden" name="factor" value="\(HTML.escape(factor.id))">
            <label for="otp">Code</label>
            <input type="text" id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric" \
            pattern="[0-9]*" maxlength="8" required autofocus>
            <button type="submit">Confirm</button>
            </form>
            <form method="post" action="/account/confirm" class="secondary">
            <input type="hidden" name="csrf" value="\(csrf)">
            <input type="hidden" name="factor" value="\(HTML.escape(factor.id))">
            <input type="hidden" name="send" value="1">
            <button type="submit" class="secondary">Send a new code</button>
            </form>
            <p><a href="/account">Back to your account</a></p>
            """
        let title = channel == .sms ? "Confirm your phone number" : "Confirm your e-mail address"
        return .html(failed ? 400 : 200, HTML.page(title: title, body: body))
    }

    /// `POST /account/confirm` with `factor` and `otp` (or `send=1` for a new code).
    func confirmContact(_ request: HTTPRequest) throws -> HTTPResponse {
        try managing(request) { session, user in
            let form = try? request.formBody()
            func field(_ name: String) -> String? { (try? form?.single(name)) ?? nil }
            guard let (factor, channel) = try pendingContact(field("factor"), userID: user.id) else {
                return errorPage(404, "There is nothing waiting to be confirmed. Start again from your account page.")
            }
            if field("send") != nil {
                if let refusal = try accountRefusal(user.id, requestID: request.requestID) {
                    return rateLimitedResponse(refusal, .html)
                }
                var value = try masterKey.open(factor.sealedSecret, purpose: "\(channel.rawValue):\(factor.id)")
                defer { wipe(&value) }
                let sent = try sendConfirmationCode(
                    factorID: factor.id,
                    channel: channel,
                    value: String(decoding: value, as: UTF8.self),
                    session: session,
                    userID: user.id
                )
                let notice = sent ? "A new code is on its way." : "Wait a little before asking for another code."
                return contactPage(factor, channel, session: session, failed: false, notice: notice)
            }
            let code = (field("otp") ?? "").trimmingWhitespace()
            let answer = try store.answerOneTimeCode(
                sessionIDHash: session.idHash,
                factorID: factor.id,
                codeHash: oneTimeCodeHash(code, factorID: factor.id),
                maxAttempts: configuration.otpMaxAttempts,
                now: clock.now
            )
            guard case .accepted = answer,
                try store.confirmFactor(
                    id: factor.id,
                    userID: user.id,
                    from: factor.kind,
                    to: channel.rawValue
                )
            else {
                try store.recordFailure(userID: user.id, at: clock.now)
                return contactPage(factor, channel, session: session, failed: true, notice: nil)
            }
            try factorChanged(
                .factorAdded,
                userID: user.id,
                factorID: factor.id,
                factorKind: channel.rawValue,
                change: .added(kind: channel.rawValue, label: factor.label ?? ""),
                requestID: request.requestID
            )
            return accountDone(channel == .sms ? .phone : .email)
        }
    }
}
