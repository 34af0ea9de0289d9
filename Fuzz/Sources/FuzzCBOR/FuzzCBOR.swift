import FuzzSupport
import StepgateCrypto

/// `CBORValue.decodePrefix` and `decode` on arbitrary bytes, and `COSEPublicKey(cbor:)`.
///
/// What decodes must re-encode to bytes that decode to the same value, and the prefix decoder
/// must agree with the whole-input decoder about where the item ends. An accepted COSE key
/// must read back from its own bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCBOR(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    if let key = try? COSEPublicKey(cbor: input.bytes) {
        require(key.encoded == input.bytes, "COSE key does not keep its bytes")
        require((try? COSEPublicKey(cbor: key.encoded)) == key, "COSE key does not read back")
    }
    guard let (value, consumed) = try? CBORValue.decodePrefix(of: input.bytes[...]) else {
        require((try? CBORValue.decode(input.bytes)) == nil, "decode accepts what decodePrefix refuses")
        return 0
    }
    require(consumed > 0 && consumed <= input.bytes.count, "consumed count out of range")
    let whole = try? CBORValue.decode(input.bytes)
    require((whole != nil) == (consumed == input.bytes.count), "decode and decodePrefix disagree on the end")
    // Floats are always re-encoded in double precision, so the encoding may be longer.
    let encoded = value.encoded()
    let reread: CBORValue
    do {
        reread = try CBORValue.decode(encoded)
    } catch {
        fatalError("encoded form does not decode: \(error)")
    }
    require(reread == value, "round trip changed the value")
    require(reread.encoded() == encoded, "encoding is not deterministic")
    return 0
}
