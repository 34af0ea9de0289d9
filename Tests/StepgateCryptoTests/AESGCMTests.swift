import StepgateCrypto
import Testing

struct AESGCMTests {
    static let key = [UInt8](repeating: 7, count: 32)

    @Test(arguments: [0, 1, 16, 17, 1000])
    func open_returnsWhatSealSealed(_ length: Int) throws {
        let plaintext = (0..<length).map { UInt8($0 & 0xFF) }
        let sealed = try AESGCM.seal(plaintext, key: Self.key, associatedData: [1, 2])
        #expect(sealed.count == 12 + length + 16)
        #expect(try AESGCM.open(sealed, key: Self.key, associatedData: [1, 2]) == plaintext)
    }

    @Test
    func seal_usesNonceFromRandomSource() throws {
        let sealed = try AESGCM.seal([1, 2, 3], key: Self.key, random: RepeatingRandom())
        #expect(Array(sealed.prefix(12)) == [UInt8](repeating: 0x42, count: 12))
    }

    @Test
    func seal_matchesNISTTestCase14() throws {
        // McGrew–Viega GCM spec test case 14: AES-256, zero key, zero IV, one zero block.
        let sealed = try AESGCM.seal(
            [UInt8](repeating: 0, count: 16),
            key: [UInt8](repeating: 0, count: 32),
            random: RepeatingRandom(byte: 0)
        )
        #expect(
            Array(sealed.dropFirst(12))
                == hex("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919")
        )
    }

    @Test
    func seal_drawsFreshNonces() throws {
        let first = try AESGCM.seal([1], key: Self.key)
        let second = try AESGCM.seal([1], key: Self.key)
        #expect(first != second)
    }

    @Test
    func open_rejectsTamperedCiphertext() throws {
        var sealed = try AESGCM.seal([1, 2, 3, 4], key: Self.key)
        sealed[13] ^= 0x01
        let error = #expect(throws: CryptoError.self) { try AESGCM.open(sealed, key: Self.key) }
        #expect(error?.code == .authenticationFailed)
    }

    @Test
    func open_rejectsTamperedTag() throws {
        var sealed = try AESGCM.seal([1, 2, 3, 4], key: Self.key)
        sealed[sealed.count - 1] ^= 0x80
        let error = #expect(throws: CryptoError.self) { try AESGCM.open(sealed, key: Self.key) }
        #expect(error?.code == .authenticationFailed)
    }

    @Test
    func open_rejectsTamperedNonce() throws {
        var sealed = try AESGCM.seal([1, 2, 3, 4], key: Self.key)
        sealed[0] ^= 0x01
        let error = #expect(throws: CryptoError.self) { try AESGCM.open(sealed, key: Self.key) }
        #expect(error?.code == .authenticationFailed)
    }

    @Test
    func open_rejectsWrongAssociatedData() throws {
        let sealed = try AESGCM.seal(
            [1, 2, 3],
            key: Self.key,
            associatedData: Array("user:1".utf8)
        )
        let error = #expect(throws: CryptoError.self) {
            try AESGCM.open(sealed, key: Self.key, associatedData: Array("user:2".utf8))
        }
        #expect(error?.code == .authenticationFailed)
    }

    @Test
    func open_rejectsMissingAssociatedData() throws {
        let sealed = try AESGCM.seal([1, 2, 3], key: Self.key, associatedData: [9])
        let error = #expect(throws: CryptoError.self) { try AESGCM.open(sealed, key: Self.key) }
        #expect(error?.code == .authenticationFailed)
    }

    @Test
    func open_rejectsWrongKey() throws {
        let sealed = try AESGCM.seal([1, 2, 3], key: Self.key)
        let error = #expect(throws: CryptoError.self) {
            try AESGCM.open(sealed, key: [UInt8](repeating: 8, count: 32))
        }
        #expect(error?.code == .authenticationFailed)
    }

    @Test(arguments: [0, 1, 27])
    func open_rejectsShortInput(_ length: Int) {
        let error = #expect(throws: CryptoError.self) {
            try AESGCM.open([UInt8](repeating: 0, count: length), key: Self.key)
        }
        #expect(error?.code == .truncatedInput)
    }

    @Test(arguments: [0, 16, 31, 33])
    func seal_rejectsKeyOfWrongLength(_ length: Int) {
        let error = #expect(throws: CryptoError.self) {
            try AESGCM.seal([1], key: [UInt8](repeating: 1, count: length))
        }
        #expect(error?.code == .invalidKeyLength)
    }

    @Test
    func open_rejectsKeyOfWrongLength() throws {
        let sealed = try AESGCM.seal([1], key: Self.key)
        let error = #expect(throws: CryptoError.self) {
            try AESGCM.open(sealed, key: Array(Self.key.prefix(16)))
        }
        #expect(error?.code == .invalidKeyLength)
    }

    @Test
    func seal_rejectsShortNonceFromRandomSource() {
        let error = #expect(throws: CryptoError.self) {
            try AESGCM.seal([1], key: Self.key, random: ShortRandom())
        }
        #expect(error?.code == .encryptionFailed)
    }
}
