import Testing

@testable import StepgateCore

@Suite struct SecretHashTests {
    @Test func hash_isSHA256OfUTF8() {
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        let hex = SecretHash.hash("abc").map { String($0, radix: 16).leftPadded }.joined()
        #expect(hex == expected)
    }

    @Test func matches_acceptsSameTokenOnly() {
        let stored = SecretHash.hash("token-1")
        #expect(SecretHash.matches("token-1", stored: stored))
        #expect(!SecretHash.matches("token-2", stored: stored))
        #expect(!SecretHash.matches("token-1", stored: []))
    }
}

extension String {
    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}
