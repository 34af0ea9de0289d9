/// Cost parameters of argon2id (RFC 9106).
///
/// The defaults (19 MiB, 2 passes, 1 lane) are OWASP's minimum recommendation for argon2id.
public struct Argon2Parameters: Sendable, Hashable {
    /// Memory cost in KiB; at least 8 × `parallelism`, at most 1 GiB.
    public var memoryKiB: UInt32
    /// Number of passes over memory; 1 to 100.
    public var iterations: UInt32
    /// Number of lanes; 1 to 64.
    public var parallelism: UInt32

    /// Parameters with the given costs; `PasswordHasher` checks their range when it hashes.
    public init(memoryKiB: UInt32 = 19456, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// Whether the costs are in the range we hash with and agree to verify.
    ///
    /// The upper bounds keep a corrupted or planted PHC string from making one verification
    /// take gigabytes of memory or minutes of CPU.
    var isSupported: Bool {
        (1...64).contains(parallelism)
            && (1...100).contains(iterations)
            && memoryKiB >= 8 * parallelism
            && memoryKiB <= 1 << 20
    }
}
