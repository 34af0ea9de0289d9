// Public: the initializer takes a `RandomSource` for the fingerprint key.
public import StepgateCrypto
import Synchronization

/// Takes secrets out of evidence before it is kept: the product's promise is that a report can
/// be shared without leaking a credential.
///
/// Two layers. By name: the values of query parameters, form fields, JSON members and HTML
/// fields whose names are in `secretNames` (codes, state, tickets, tokens, passwords, OTPs,
/// CSRF tokens, WebAuthn challenges and assertions), cookie values and `Authorization`
/// credentials. By value: every secret the probe holds or has seen (registered here) wherever
/// it appears, and anything shaped like a JWT. Each removed value becomes `<redacted #abcd>`,
/// a keyed fingerprint (HMAC-SHA-256 under a key made for this run, 16 bits shown), so a
/// reader can see that the same code was sent twice without learning it.
public final class Redactor: Sendable {
    /// Parameter, field and member names whose values are always removed (compared in lower case).
    public static let secretNames: Set<String> = [
        "code", "state", "ticket", "nonce", "token", "access_token", "refresh_token", "id_token",
        "code_verifier", "client_secret", "password", "otp", "recovery_code", "csrf", "_csrf",
        "csrf_token", "authenticity_token", "session", "challenge", "ceremony", "client_data",
        "authenticator_data", "signature", "attestation_object", "user_handle", "credential_id",
        "data-challenge", "data-user-id", "assertion", "secret",
    ]

    /// Shortest value registered for matching by value; shorter ones would match everywhere.
    public static let minimumSecretLength = 4

    /// The known secrets, and their index (made again on first use after a new secret).
    private struct Known {
        var secrets: Set<String>
        var index: SecretIndex?
    }

    private let key: [UInt8]
    private let known: Mutex<Known>

    /// A redactor that already knows `secrets` (passwords, seeds, client secrets).
    public init(secrets: [String], random: any RandomSource = SystemRandom()) {
        key = random.bytes(32)
        let kept = Set(secrets.filter { $0.utf8.count >= Self.minimumSecretLength })
        known = Mutex(Known(secrets: kept, index: nil))
    }

    /// Remembers `secret` so it is removed wherever it appears later.
    public func register(_ secret: String) {
        guard secret.utf8.count >= Self.minimumSecretLength else { return }
        known.withLock { known in
            if known.secrets.insert(secret).inserted { known.index = nil }
        }
    }

    /// The index of the known secrets, made when a secret was added since the last use.
    private var index: SecretIndex {
        known.withLock { known in
            if let index = known.index { return index }
            let made = SecretIndex(known.secrets)
            known.index = made
            return made
        }
    }

    /// The stand-in for a removed value: `<redacted #abcd>`.
    public func fingerprint(_ value: String) -> String {
        let mac = HMAC.authenticationCode(.sha256, key: key, message: Array(value.utf8))
        let hex = mac.prefix(2).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }
        return "<redacted #\(hex.joined())>"
    }

    /// Removes a secret found by name: registers it and returns its fingerprint.
    func remove(_ value: String) -> String {
        guard !value.isEmpty else { return value }
        register(value)
        return fingerprint(value)
    }

    /// `text` with every registered secret, every secret-named `name=value` pair and HTML
    /// field, and every JWT-shaped string replaced by fingerprints.
    public func text(_ text: String) -> String {
        let named = replacingNamedValues(in: Self.replacingJWTs(in: text, with: fingerprint))
        return index.replacing(in: named, with: fingerprint)
    }

    /// Whether `name` (of a parameter, field, member or attribute) holds a secret.
    public static func isSecretName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return secretNames.contains(lower) || lower.hasSuffix("_token")
            || lower.hasSuffix("password")
            || lower.hasSuffix("_secret")
    }

    /// Replaces the values of `name=value` pairs (queries, forms, cookies in text) and of
    /// `name="..." ... value="..."` HTML fields whose names are secret.
    private func replacingNamedValues(in text: String) -> String {
        var scanner = NamedValueScanner(Array(text.utf8))
        var output: [UInt8] = []
        while let (prefix, value) = scanner.next() {
            output += prefix
            if let value { output += Array(remove(String(decoding: value, as: UTF8.self)).utf8) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Replaces each `eyJ…​.…​.…` run (a compact JWS or JWT) with `replacement`.
    static func replacingJWTs(in text: String, with replacement: (String) -> String) -> String {
        guard text.contains("eyJ") else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index...].starts(with: Array("eyJ".utf8)),
                index == 0 || !isBase64URL(bytes[index - 1])
            {
                var end = index
                var dots = 0
                while end < bytes.count,
                    isBase64URL(bytes[end]) || (bytes[end] == UInt8(ascii: ".") && dots < 2)
                {
                    if bytes[end] == UInt8(ascii: ".") { dots += 1 }
                    end += 1
                }
                if dots == 2 {
                    output += Array(
                        replacement(String(decoding: bytes[index..<end], as: UTF8.self)).utf8
                    )
                    index = end
                    continue
                }
            }
            output.append(bytes[index])
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
