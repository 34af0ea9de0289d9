import StepgateCrypto

/// Bytes 0, 1, 2, ... for deterministic tests.
struct CountingRandom: RandomSource {
    func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0) }
    }
}
