import StepgateCrypto
import Testing

@testable import StepgateCore

@Suite struct HOTPTests {
    static let secret = Array("12345678901234567890".utf8)

    /// RFC 4226 Appendix D.
    static let appendixD: [(UInt64, String)] = [
        (0, "755224"), (1, "287082"), (2, "359152"), (3, "969429"), (4, "338314"),
        (5, "254676"), (6, "287922"), (7, "162583"), (8, "399871"), (9, "520489"),
    ]

    @Test(arguments: appendixD)
    func code_matchesRFC4226AppendixD(counter: UInt64, expected: String) {
        #expect(HOTP(secret: Self.secret).code(counter: counter) == expected)
    }

    @Test func code_isZeroPadded() {
        // RFC 6238 Appendix B, T = 1111111109: counter 0x23523EC gives 07081804 at 8 digits.
        #expect(HOTP(secret: Self.secret, digits: 8).code(counter: 0x23523EC) == "07081804")
    }

    @Test func description_hidesSecret() {
        let hotp = HOTP(secret: Self.secret)
        #expect("\(hotp)" == "HOTP(<redacted>)")
        #expect(String(reflecting: hotp) == "HOTP(<redacted>)")
        var dumped = ""
        dump(hotp, to: &dumped)
        #expect(!dumped.contains("49"))
    }
}
