import StepgateCrypto
import Testing

struct ES256PrivateKeyTests {
    /// A P-384 key in PKCS #8, made with `openssl genpkey` and `openssl pkcs8 -topk8`.
    static let p384PKCS8 = hex(
        "3081b6020100301006072a8648ce3d020106052b8104002204819e30819b0201010430d874fcd002142c3c0d841a"
            + "354f16a4e3a926ccba498c3af91d6289783633fc37ff75aedef8c72e27a102ab7fde293ff5a16403620004bc"
            + "aed6d2002d7244a59f7dc651f517678c35cdbea0a35a2274070b47bd96fca0e0f02eec0c44abce4d85e9e466"
            + "51d6c5a30b424ca73dfb20d21ed6ad362de53d5b61a24d53e2579f42fc98146eb65c4d04fcafb8f164c08238"
            + "4453d98283ccd3"
    )

    /// An Ed25519 key in PKCS #8, made with `openssl genpkey -algorithm ED25519`.
    static let ed25519PKCS8 = hex(
        "302e020100300506032b65700422042050bb116373882c5fedbf29b063f18ba8ebabdc527bfb6d238ee0d0b1cfa497e6"
    )

    @Test
    func sign_producesSignatureThatVerifies() throws {
        let key = try ES256PrivateKey.generate()
        let message = Array("attack at dawn".utf8)
        let signature = try key.sign(message)
        #expect(signature.count == 64)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: Array("attack at dusk".utf8)))
    }

    @Test
    func sign_isVerifiableByOtherKeyOnlyIfSame() throws {
        let key = try ES256PrivateKey.generate()
        let other = try ES256PrivateKey.generate()
        let signature = try key.sign([1, 2, 3])
        #expect(!other.publicKey.isValidSignature(signature, for: [1, 2, 3]))
    }

    @Test
    func generate_givesThirtyTwoByteCoordinates() throws {
        for _ in 0..<20 {
            let key = try ES256PrivateKey.generate()
            #expect(key.publicKey.x.count == 32)
            #expect(key.publicKey.y.count == 32)
        }
    }

    @Test
    func pkcs8DER_roundTripsTheKey() throws {
        let key = try ES256PrivateKey.generate()
        let restored = try ES256PrivateKey(pkcs8DER: key.pkcs8DER)
        #expect(restored.publicKey == key.publicKey)
        let signature = try restored.sign([9, 9, 9])
        #expect(key.publicKey.isValidSignature(signature, for: [9, 9, 9]))
    }

    @Test
    func initPKCS8_rejectsGarbage() {
        let error = #expect(throws: CryptoError.self) {
            try ES256PrivateKey(pkcs8DER: [0x30, 0x03, 0x02, 0x01, 0x00])
        }
        #expect(error?.code == .invalidKey)
    }

    @Test
    func initPKCS8_rejectsEmptyInput() {
        let error = #expect(throws: CryptoError.self) { try ES256PrivateKey(pkcs8DER: []) }
        #expect(error?.code == .invalidKey)
    }

    @Test
    func initPKCS8_rejectsTrailingBytes() throws {
        let der = try ES256PrivateKey.generate().pkcs8DER + [0]
        let error = #expect(throws: CryptoError.self) { try ES256PrivateKey(pkcs8DER: der) }
        #expect(error?.code == .invalidKey)
    }

    @Test
    func initPKCS8_rejectsP384Key() {
        let error = #expect(throws: CryptoError.self) {
            try ES256PrivateKey(pkcs8DER: Self.p384PKCS8)
        }
        #expect(error?.code == .invalidKey)
    }

    @Test
    func initPKCS8_rejectsEd25519Key() {
        let error = #expect(throws: CryptoError.self) {
            try ES256PrivateKey(pkcs8DER: Self.ed25519PKCS8)
        }
        #expect(error?.code == .invalidKey)
    }

    @Test
    func description_isRedacted() throws {
        let key = try ES256PrivateKey.generate()
        #expect("\(key)" == "ES256PrivateKey(<redacted>)")
    }

    @Test
    func sign_isSafeFromManyThreads() async throws {
        let key = try ES256PrivateKey.generate()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let message = [UInt8(index)]
                    return key.publicKey.isValidSignature(try key.sign(message), for: message)
                }
            }
            for try await valid in group { #expect(valid) }
        }
    }
}
