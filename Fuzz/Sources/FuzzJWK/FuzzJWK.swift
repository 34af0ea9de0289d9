import FuzzSupport
import StepgateCrypto

/// `JWK(json:)` and `JWKSet(json:)` on whatever JSON the input parses to; an accepted key or
/// set must read back from its own `json` unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWK(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    guard let json = try? JSONValue.parse(input.bytes) else { return 0 }
    if let key = try? JWK(json: json) {
        require((try? JWK(json: key.json)) == key, "JWK does not survive its own json")
    }
    if let set = try? JWKSet(json: json) {
        require((try? JWKSet(json: set.json)) == set, "JWK Set does not survive its own json")
        for key in set.keys {
            require(set.key(kid: key.kid) == key, "JWK Set lookup by kid finds another key")
        }
    }
    return 0
}
