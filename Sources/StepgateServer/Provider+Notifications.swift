import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore

/// A change to how an account is protected, which its owner hears about.
enum FactorChange: Sendable {
    case added(kind: String, label: String)
    case removed(kind: String, label: String)
    case recoveryCodeUsed(remaining: Int)
    case recoveryCodesRegenerated
    /// A security key or passkey was disabled because its signature counter went backwards.
    case credentialDisabled(label: String)
    /// The password was changed; every other session was signed out.
    case passwordChanged

    /// The sentence the message carries; names no secret, number or address.
    var sentence: String {
        switch self {
        case .added(let kind, let label): "A \(Self.noun(kind)) (\(label)) was added to your account."
        case .removed(let kind, let label): "A \(Self.noun(kind)) (\(label)) was removed from your account."
        case .recoveryCodeUsed(let remaining):
            "A recovery code was used to confirm a sign-in or an action. You have \(remaining) left."
        case .recoveryCodesRegenerated: "New recovery codes were made for your account; the old ones no longer work."
        case .credentialDisabled(let label):
            "Your security key or passkey (\(label)) was switched off: it answered like a copy of itself. "
                + "Remove it and add it again if you still have it."
        case .passwordChanged:
            "Your password was changed, and every other browser and app signed in to your account was signed out."
        }
    }

    /// What to do when the change was not the owner's.
    func advice(issuer: String) -> String {
        switch self {
        case .passwordChanged:
            "If this was not you, someone knows your sign-in details: ask your administrator to reset "
                + "your password, then review your account at \(issuer)/account."
        default:
            "If this was not you, sign in and review your account at \(issuer)/account, and change your password."
        }
    }

    var purpose: MessagePurpose {
        switch self {
        case .added, .recoveryCodesRegenerated: .factorAdded
        case .removed, .recoveryCodeUsed, .credentialDisabled: .factorRemoved
        case .passwordChanged: .passwordChanged
        }
    }

    private static func noun(_ kind: String) -> String {
        switch kind {
        case "totp": "authenticator app"
        case "sms": "phone number for codes"
        case "email": "e-mail address for codes"
        case "security_key": "security key"
        case "passkey": "passkey"
        default: "sign-in method"
        }
    }
}

extension Provider {
    /// Tells the user of `change` at every address and number the account has for codes.
    ///
    /// A message that cannot be queued for a channel without a transport is skipped; a store
    /// failure is thrown, like any other.
    // Known gap: an account with no e-mail or phone factor is told nothing; the change is in the
    // audit log and on the account page only.
    func notifyFactorChange(userID: String, change: FactorChange, requestID: String) throws {
        let now = clock.now
        let when = ISO8601DateFormatter.string(from: now, timeZone: .gmt, formatOptions: [.withInternetDateTime])
        let text = "\(change.sentence) (\(when))\n\(change.advice(issuer: configuration.issuer))"
        for factor in try store.factors(userID: userID) {
            let channel: DeliveryChannel
            switch factor.kind {
            case "email": channel = .email
            case "sms": channel = .sms
            default: continue
            }
            guard notifier.supports(channel) else { continue }
            var recipient = try masterKey.open(factor.sealedSecret, purpose: "\(factor.kind):\(factor.id)")
            defer { wipe(&recipient) }
            do {
                try notifier.enqueue(
                    try OutgoingMessage(
                        channel: channel,
                        recipient: String(decoding: recipient, as: UTF8.self),
                        subject: channel == .email ? "Security notice from \(configuration.serviceName)" : nil,
                        text: channel == .email ? text : change.sentence,
                        purpose: change.purpose
                    )
                )
            } catch let error as DeliveryError {
                logger.error(
                    "notice not queued",
                    [LogKey.requestID: requestID, LogKey.subject: userID, LogKey.error: error.code.rawValue]
                )
            }
        }
    }
}
