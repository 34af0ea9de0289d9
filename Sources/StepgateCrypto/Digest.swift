internal import COpenSSL

/// A hash function that StepgateCrypto offers.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case sha1
    case sha256
    case sha384
    case sha512

    /// Output length in bytes.
    public var outputLength: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    var evpMD: OpaquePointer {
        // Safety: these return static, never-freed method tables owned by OpenSSL.
        switch self {
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }
}

/// One-shot message digests.
public enum Digest {
    /// The digest of `message` under `algorithm`.
    public static func hash(_ message: [UInt8], using algorithm: DigestAlgorithm) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: algorithm.outputLength)
        var length: UInt32 = 0
        let ok = message.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                // Safety: both buffers live for the whole call; out has outputLength bytes.
                EVP_Digest(
                    input.baseAddress,
                    input.count,
                    out.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    &length,
                    algorithm.evpMD,
                    nil
                )
            }
        }
        precondition(ok == 1 && Int(length) == algorithm.outputLength, "EVP_Digest failed")
        return output
    }

    /// SHA-256 of `message`.
    public static func sha256(_ message: [UInt8]) -> [UInt8] {
        hash(message, using: .sha256)
    }

    /// SHA-256 of the UTF-8 bytes of `text`.
    public static func sha256(_ text: String) -> [UInt8] {
        hash(Array(text.utf8), using: .sha256)
    }
}
