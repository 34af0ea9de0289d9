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

    /// The implementation to pass to OpenSSL: fetched from the default provider once per
    /// process. Given `EVP_sha256()` and the like, OpenSSL 3 fetches the implementation again on
    /// every call (a name look-up under a process-wide read lock); the decision path hashes on
    /// every request, and the audit writer twice per record.
    var evpMD: OpaquePointer {
        switch self {
        case .sha1: FetchedDigest.sha1.handle
        case .sha256: FetchedDigest.sha256.handle
        case .sha384: FetchedDigest.sha384.handle
        case .sha512: FetchedDigest.sha512.handle
        }
    }
}

/// One digest implementation fetched from OpenSSL, kept for the life of the process.
private final class FetchedDigest: @unchecked Sendable {
    // Safety: `handle` never changes after init, and OpenSSL 3 allows one fetched EVP_MD to be
    // used by many threads at once (it is read-only and reference counted).
    let handle: OpaquePointer
    private let owned: Bool

    static let sha1 = FetchedDigest("SHA1", legacy: EVP_sha1())
    static let sha256 = FetchedDigest("SHA256", legacy: EVP_sha256())
    static let sha384 = FetchedDigest("SHA384", legacy: EVP_sha384())
    static let sha512 = FetchedDigest("SHA512", legacy: EVP_sha512())

    /// Fetches `name`; when the fetch fails, keeps `legacy` (a static table, which OpenSSL
    /// resolves per call as before).
    private init(_ name: String, legacy: OpaquePointer) {
        // Safety: `name` is copied during the call; a non-nil result is ours to free.
        if let fetched = EVP_MD_fetch(nil, name, nil) {
            handle = fetched
            owned = true
        } else {
            handle = legacy
            owned = false
        }
    }

    deinit {
        // Safety: only a fetched handle is freed, once; legacy tables belong to OpenSSL.
        if owned { EVP_MD_free(handle) }
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
