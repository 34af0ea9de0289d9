import Foundation
import StepgateCrypto
import StepgateStore

/// The HTML of the account overview: each sign-in method with a remove button, buttons to add
/// more, recovery codes, and remembered browsers. Works without JavaScript.
struct AccountPage {
    /// Which ways of adding a method this deployment offers.
    struct Options {
        var sms: Bool
        var email: Bool
        /// How long "remember this browser" lasts; nil when it is not offered.
        var rememberLifetime: TimeInterval?
    }

    let userName: String
    let csrf: String
    let factors: [FactorRecord]
    let credentials: [WebAuthnCredentialRecord]
    let recovery: RecoveryCodeCount
    let devices: [DeviceRecord]
    /// The hash of this browser's device cookie, to mark it in the list.
    let currentDevice: [UInt8]?
    let now: Date
    let options: Options
    let notice: AccountNotice?

    var body: String {
        var html = "<p>Signed in as <strong>\(HTML.escape(userName))</strong>.</p>"
        if let notice { html += "<p class=\"notice\" role=\"status\">\(HTML.escape(notice.text))</p>" }
        html += methods() + adding() + recoverySection() + deviceSection()
        html += "<h2>Password</h2><p><a href=\"/account/password\">Change your password</a></p>"
        html += "<p><a href=\"/logout\">Sign out</a></p>"
        return html
    }

    private func form(_ action: String, _ fields: [(String, String)], button: String, secondary: Bool = false)
        -> String
    {
        var html = "<form method=\"post\" action=\"\(action)\" class=\"inline\">"
        html += "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape(csrf))\">"
        for (name, value) in fields {
            html += "<input type=\"hidden\" name=\"\(name)\" value=\"\(HTML.escape(value))\">"
        }
        let style = secondary ? " class=\"secondary\"" : ""
        return html + "<button type=\"submit\"\(style)>\(HTML.escape(button))</button></form>"
    }

    private func methods() -> String {
        var rows: [String] = []
        for credential in credentials {
            let kind = credential.kind == "passkey" ? "Passkey" : "Security key"
            var notes = [credential.backupEligible ? "synced to your other devices" : "kept on this device only"]
            if credential.userVerifying { notes.append("unlocks with a PIN or biometric") }
            if credential.disabledReason != nil { notes = ["switched off: it answered like a copy of itself"] }
            rows.append(row("\(kind): \(credential.label)", notes.joined(separator: ", "), id: credential.id))
        }
        for factor in factors {
            let label = factor.label ?? ""
            switch factor.kind {
            case "totp": rows.append(row("Authenticator app", Self.added(factor.createdAt), id: factor.id))
            case "sms": rows.append(row("Text message to \(label)", "", id: factor.id))
            case "email": rows.append(row("E-mail to \(label)", "", id: factor.id))
            case "totp_pending", "sms_pending", "email_pending":
                rows.append(row("Waiting for confirmation: \(label)", "not usable until confirmed", id: factor.id))
            default: continue
            }
        }
        guard !rows.isEmpty else {
            return "<h2>Sign-in methods</h2><p>You sign in with your password only. Add a second method below: "
                + "it protects payments and changes to your account.</p>"
        }
        return "<h2>Sign-in methods</h2><table class=\"methods\">" + rows.joined() + "</table>"
    }

    private func row(_ title: String, _ note: String, id: String) -> String {
        let detail = note.isEmpty ? "" : "<br><span class=\"note\">\(HTML.escape(note))</span>"
        return "<tr><td>\(HTML.escape(title))\(detail)</td><td>"
            + form("/account/remove", [("id", id)], button: "Remove", secondary: true) + "</td></tr>"
    }

    private func adding() -> String {
        var html = "<h2>Add a method</h2><div class=\"actions\">"
        html += form("/account/webauthn", [("kind", "passkey")], button: "Add a passkey (this device)")
        html += form("/account/webauthn", [("kind", "security_key")], button: "Add a security key")
        html += form("/account/totp", [], button: "Add an authenticator app")
        html += "</div>"
        if options.sms {
            html += """
                <form method="post" action="/account/phone">
                <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                <label for="phone">Phone number for codes (with country code, such as +44 7700 900123)</label>
                <input type="tel" id="phone" name="phone" autocomplete="tel" required>
                <button type="submit" class="secondary">Send a confirmation code</button>
                </form>
                """
        }
        if options.email {
            html += """
                <form method="post" action="/account/email">
                <input type="hidden" name="csrf" value="\(HTML.escape(csrf))">
                <label for="email">E-mail address for codes</label>
                <input type="email" id="email" name="email" autocomplete="email" required>
                <button type="submit" class="secondary">Send a confirmation code</button>
                </form>
                """
        }
        return html
    }

    private func recoverySection() -> String {
        let status =
            recovery.total == 0
            ? "You have no recovery codes. Make some and keep them somewhere safe: each one lets you in once "
                + "if you lose your other methods."
            : "You have \(recovery.unused) unused recovery code\(recovery.unused == 1 ? "" : "s") of \(recovery.total)."
        let button = recovery.total == 0 ? "Make recovery codes" : "Make new recovery codes (the old ones stop working)"
        return "<h2>Recovery codes</h2><p>\(status)</p>"
            + form("/account/recovery", [], button: button, secondary: recovery.total > 0)
    }

    private func deviceSection() -> String {
        guard let lifetime = options.rememberLifetime else { return "" }
        var html =
            "<h2>Remembered browsers</h2><p class=\"note\">A remembered browser makes a sign-in from it look "
            + "less unusual. It never replaces a confirmation that an action asks for.</p>"
        let remembered = devices.filter { ($0.rememberedUntil ?? .distantPast) > now }
        let isCurrentRemembered = remembered.contains { $0.deviceIDHash == currentDevice }
        if currentDevice != nil, !isCurrentRemembered, devices.contains(where: { $0.deviceIDHash == currentDevice }) {
            let days = Int(lifetime / 86_400)
            html += form("/account/device", [("action", "remember")], button: "Remember this browser for \(days) days")
        }
        for device in remembered {
            let name = (device.label ?? "A browser") + (device.deviceIDHash == currentDevice ? " (this one)" : "")
            let until = ISO8601DateFormatter.string(
                from: device.rememberedUntil ?? now,
                timeZone: .gmt,
                formatOptions: [.withFullDate]
            )
            html += "<p>\(HTML.escape(name)), until \(until) "
            html += form(
                "/account/device",
                [("action", "forget"), ("device", AccountPage.handle(device.deviceIDHash))],
                button: "Forget",
                secondary: true
            )
            html += "</p>"
        }
        return html
    }

    /// `added 2026-12-04`.
    static func added(_ date: Date) -> String {
        "added " + ISO8601DateFormatter.string(from: date, timeZone: .gmt, formatOptions: [.withFullDate])
    }

    /// A device's public handle in forms: the first 12 bytes of its cookie hash, base64url.
    static func handle(_ deviceIDHash: [UInt8]) -> String {
        Base64URL.encode(Array(deviceIDHash.prefix(12)))
    }
}
