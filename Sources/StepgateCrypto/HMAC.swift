internal import COpenSSL

/// Keyed-hash message authentication codes (RFC 2104).
public enum HMAC {
    /// The HMAC of `message` under `key` with `algorithm`.
    public static func authenticationCode(
        _ algorithm: DigestAlgorithm,
        key: [UInt8],
        message: [UInt8]
    ) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.outputLength)
        var length: UInt32 = 0
        // An empty key still needs a valid pointer for OpenSSL.
        let keyBytes = key.isEmpty ? [UInt8(0)] : key
        let result = keyBytes.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                output.withUnsafeMutableBytes { out in
                    // Safety: all three buffers outlive the call; out has outputLength bytes.
                    COpenSSL.HMAC(
                        algorithm.evpMD,
                        k.baseAddress,
                        Int32(key.count),
                        m.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        m.count,
                        out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                        &length
                    )
                }
            }
        }
        precondition(result != nil && Int(length) == algorithm.outputLength, "HMAC failed")
        return output
    }

    /// Whether `mac` is the HMAC of `message` under `key`, compared in constant time.
    public static func isValid(
        _ mac: [UInt8],
        _ algorithm: DigestAlgorithm,
        key: [UInt8],
        message: [UInt8]
    ) -> Bool {
        constantTimeEquals(mac, authenticationCode(algorithm, key: key, message: message))
    }
}
