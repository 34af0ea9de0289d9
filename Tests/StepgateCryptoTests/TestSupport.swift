import StepgateCrypto

/// The bytes of a hex string; traps on bad input, which only tests write.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8)
    precondition(digits.count.isMultiple(of: 2), "odd hex length")
    return stride(from: 0, to: digits.count, by: 2).map { index in
        UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)!
    }
}

/// A random source that repeats one byte, so sealed output and salts are predictable.
struct RepeatingRandom: RandomSource {
    var byte: UInt8 = 0x42

    func bytes(_ count: Int) -> [UInt8] {
        [UInt8](repeating: byte, count: count)
    }
}

/// A random source that returns fewer bytes than asked for.
struct ShortRandom: RandomSource {
    func bytes(_ count: Int) -> [UInt8] {
        [UInt8](repeating: 1, count: max(0, count - 1))
    }
}
