import FuzzSupport
import StepgateCrypto

/// The public half of the key that signed the JWS seeds in `corpus/FuzzJWS` (throwaway P-256).
private let fixedKey: ES256PublicKey = {
    guard let x = Base64URL.decode("ZNhfZKrnqJRaMmUEa_qN2N_608hbna2ZzGly3kMRiGU"),
        let y = Base64URL.decode("_4bsac_wEJuIHa_U1QB5epTlysft_I7g0mxalHZu-GE"),
        let key = try? ES256PublicKey(x: x, y: y)
    else { fatalError("the fixed fuzzing key does not load") }
    return key
}()

/// `JWS.decodeWithoutVerifying` and `JWS.verify` (one fixed key for every `kid`) on arbitrary
/// text; whatever verifies must also decode to the same header and payload.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWS(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let compact = FuzzInput(data, size).text
    let decoded = try? JWS.decodeWithoutVerifying(compact)
    guard let verified = try? JWS.verify(compact, keys: { _ in fixedKey }) else { return 0 }
    require(decoded == verified, "verify and decodeWithoutVerifying disagree")
    require(verified.header["alg"] == "ES256", "verified a JWS whose alg is not ES256")
    return 0
}
