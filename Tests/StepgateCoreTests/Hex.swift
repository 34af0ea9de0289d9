/// The bytes of a hex string; traps on bad input, which only tests write.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8)
    precondition(digits.count.isMultiple(of: 2), "odd hex length")
    return stride(from: 0, to: digits.count, by: 2).map { index in
        UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)!  // Tests pass valid hex.
    }
}
