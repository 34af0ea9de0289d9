import StepgateCrypto

/// A short hash of the stable traits a browser sends with each request.
///
/// Not an identifier on its own (many users share a browser build); the risk engine only asks
/// whether it changed for a device the user already has. Traits that change every release
/// (full version numbers) make a noisy fingerprint, so callers pass the stable parts.
public enum DeviceFingerprint {
    /// Hex of the first 8 bytes of SHA-256 over the traits, each followed by a zero byte so
    /// that moving text from one trait to the next changes the result; 16 characters.
    public static func compute(
        userAgent: String,
        acceptLanguage: String,
        acceptEncoding: String = "",
        platform: String = ""
    ) -> String {
        var message: [UInt8] = []
        message.reserveCapacity(userAgent.utf8.count + acceptLanguage.utf8.count + 64)
        for trait in [userAgent, acceptLanguage, acceptEncoding, platform] {
            message.append(contentsOf: trait.utf8)
            message.append(0)
        }
        let digest = Digest.sha256(message)
        let hexDigits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(16)
        for byte in digest.prefix(8) {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
