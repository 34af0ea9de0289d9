import FuzzSupport
import StepgateCrypto

/// `Base64URL.decode` and `Base32.decode` on arbitrary text, with their round trips.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBase(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    let text = input.text

    // Base64url is canonical: what decodes re-encodes to exactly the same text.
    if let decoded = Base64URL.decode(text) {
        require(Base64URL.encode(decoded) == text, "base64url decoding is not canonical")
    }
    let encoded = Base64URL.encode(input.bytes)
    require(Base64URL.decode(encoded) == input.bytes, "base64url round trip of raw bytes failed")

    // Base32 tolerates case, spaces, hyphens and padding, so only the bytes must survive.
    if let decoded = Base32.decode(text) {
        require(Base32.decode(Base32.encode(decoded)) == decoded, "base32 round trip failed")
    }
    require(Base32.decode(Base32.encode(input.bytes)) == input.bytes, "base32 round trip of raw bytes")
    return 0
}
