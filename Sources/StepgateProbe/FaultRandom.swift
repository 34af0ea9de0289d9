/// A small seeded generator (SplitMix64) for the fault proxy's jitter and reset draws.
///
/// The same seed and stream give the same sequence on every run and machine, which is the
/// point: a failing run can be repeated. Never use it for anything secret.
struct FaultRandom: RandomNumberGenerator {
    private var state: UInt64

    /// The generator of stream `stream` under `seed`; different streams are independent.
    init(seed: UInt64, stream: UInt64) {
        state = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        _ = next()
    }

    /// The stream of one direction of connection number `connection`.
    init(seed: UInt64, connection: Int, direction: FaultDirection) {
        self.init(seed: seed, stream: UInt64(connection) &* 2 &+ (direction == .request ? 0 : 1))
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A number in [0, 1) with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Whether an event of `probability` (0 to 1) happens; draws nothing when it is 0 or 1.
    mutating func chance(_ probability: Double) -> Bool {
        if probability <= 0 { return false }
        if probability >= 1 { return true }
        return unit() < probability
    }

    /// `base` moved by a uniform draw from `-spread...spread`, never below zero.
    mutating func jittered(_ base: Duration, spread: Duration) -> Duration {
        guard spread > .zero else { return max(base, .zero) }
        let offset = spread * (unit() * 2 - 1)
        return max(base + offset, .zero)
    }
}
