import FuzzSupport
import StepgateCrypto

/// The password the `corpus/FuzzPassword` seeds that should verify were hashed from.
private let password = Array("correct horse".utf8)

/// Tiny costs: only `needsRehash` compares against them; `verify` uses the costs in the string.
private let hasher = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 8, iterations: 1))

/// The harness's own ceiling on the costs it lets `verify` hash with.
///
/// The product already bounds what it agrees to hash (m ≤ 1 GiB, t ≤ 100, p ≤ 64, checked
/// in `Argon2Parameters.isSupported`), so a bounded input is the product's business: this only
/// keeps one fuzz run from spending a second per input. Strings over the ceiling are still
/// parsed through `needsRehash`, which does not hash.
private let ceiling: [Substring: UInt64] = ["m=": 256, "t=": 2, "p=": 2]

/// `PasswordHasher.needsRehash` and `PasswordHasher.verify` on arbitrary PHC strings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPassword(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let encoded = FuzzInput(data, size).text
    let needsRehash = hasher.needsRehash(encoded)
    guard isCheap(encoded) else { return 0 }
    // A string that verifies parsed; if it also needs no rehash, it holds this hasher's costs.
    if hasher.verify(password, against: encoded) && !needsRehash {
        require(encoded.hasPrefix("$argon2id$v=19$m=8,t=1,p=1$"), "costs differ yet no rehash")
    }
    return 0
}

/// Whether every `m=`, `t=` and `p=` field of the cost part stays under `ceiling`.
private func isCheap(_ encoded: String) -> Bool {
    let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
    guard fields.count > 3 else { return true }
    for cost in fields[3].split(separator: ",", omittingEmptySubsequences: false) {
        guard let limit = ceiling[cost.prefix(2)] else { continue }
        let digits = cost.dropFirst(2)
        guard digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { continue }
        let trimmed = digits.drop { $0 == "0" }
        guard trimmed.count <= 10, let value = UInt64(trimmed.isEmpty ? "0" : trimmed),
            value <= limit
        else { return false }
    }
    return true
}
