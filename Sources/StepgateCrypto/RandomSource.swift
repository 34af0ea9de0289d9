internal import COpenSSL

/// Where secret random bytes come from; injected so tests can be deterministic.
public protocol RandomSource: Sendable {
    /// `count` random bytes.
    func bytes(_ count: Int) -> [UInt8]
}

extension RandomSource {
    /// A URL-safe token of `byteCount` random bytes, base64url without padding.
    public func token(byteCount: Int = 32) -> String {
        Base64URL.encode(bytes(byteCount))
    }
}

/// OpenSSL's CSPRNG (`RAND_bytes`).
public struct SystemRandom: RandomSource {
    public init() {}

    public func bytes(_ count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        var output = [UInt8](repeating: 0, count: count)
        let ok = output.withUnsafeMutableBytes { buffer in
            // Safety: buffer holds count bytes for the whole call.
            RAND_bytes(buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(count))
        }
        // A CSPRNG failure leaves no safe way on; continuing would hand out guessable secrets.
        precondition(ok == 1, "RAND_bytes failed")
        return output
    }
}
