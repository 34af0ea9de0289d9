import StepgateCrypto
import Testing

struct Base32Tests {
    /// RFC 4648 §10, unpadded as `otpauth://` secrets are written.
    static let rfc4648: [(String, String)] = [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"),
        ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI"),
    ]

    @Test(arguments: rfc4648)
    func encode_matchesRFC4648(_ plain: String, _ encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
    }

    @Test
    func decode_acceptsPaddingLowerCaseAndSpaces() {
        #expect(Base32.decode("MZXW6YQ=") == Array("foob".utf8))
        #expect(Base32.decode("mzxw 6ytb-oi") == Array("foobar".utf8))
    }

    @Test(arguments: ["MZ1W", "MY=A", "MZXW6!"])
    func decode_rejectsInvalid(_ text: String) {
        #expect(Base32.decode(text) == nil)
    }
}
