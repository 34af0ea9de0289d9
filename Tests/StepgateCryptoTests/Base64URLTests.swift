import StepgateCrypto
import Testing

struct Base64URLTests {
    /// RFC 4648 §10, without the padding that base64url omits here.
    static let rfc4648: [(String, String)] = [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test(arguments: rfc4648)
    func encode_matchesRFC4648(_ plain: String, _ encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    @Test
    func encode_usesURLAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    @Test(arguments: ["Zg==", "Zm9v\n", "+/8", "Zh", "Z", "Zm9v!"])
    func decode_rejectsNonCanonical(_ text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}
