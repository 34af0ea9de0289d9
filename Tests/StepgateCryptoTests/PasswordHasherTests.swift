import StepgateCrypto
import Testing

struct PasswordHasherTests {
    static let fast = Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 1)
    static let hasher = PasswordHasher(parameters: fast)
    static let password = Array("correct horse battery staple".utf8)

    @Test
    func verify_acceptsHashOfSamePassword() throws {
        let encoded = try Self.hasher.hash(Self.password)
        #expect(Self.hasher.verify(Self.password, against: encoded))
    }

    @Test
    func verify_rejectsWrongPassword() throws {
        let encoded = try Self.hasher.hash(Self.password)
        #expect(!Self.hasher.verify(Array("correct horse battery stapler".utf8), against: encoded))
    }

    @Test
    func verify_handlesEmptyPassword() throws {
        let encoded = try Self.hasher.hash([])
        #expect(Self.hasher.verify([], against: encoded))
        #expect(!Self.hasher.verify([0], against: encoded))
    }

    @Test
    func hash_writesPHCStringWithParameters() throws {
        let encoded = try Self.hasher.hash(Self.password)
        #expect(encoded.hasPrefix("$argon2id$v=19$m=64,t=1,p=1$"))
        let fields = encoded.split(separator: "$")
        #expect(fields[3].utf8.count == 22)  // 16-byte salt, unpadded base64
        #expect(fields[4].utf8.count == 43)  // 32-byte hash, unpadded base64
    }

    @Test
    func hash_usesSaltFromRandomSource() throws {
        let hasher = PasswordHasher(parameters: Self.fast, random: RepeatingRandom())
        let encoded = try hasher.hash(Self.password)
        #expect(encoded.split(separator: "$")[3] == "QkJCQkJCQkJCQkJCQkJCQg")
        #expect(try hasher.hash(Self.password) == encoded)
    }

    @Test
    func hash_drawsFreshSalts() throws {
        #expect(try Self.hasher.hash(Self.password) != Self.hasher.hash(Self.password))
    }

    @Test
    func verify_acceptsLibargon2ReferenceVector() {
        // From libargon2's own test suite: argon2id, t=2, m=64 MiB, p=1, "password", "somesalt".
        let reference =
            "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
        #expect(Self.hasher.verify(Array("password".utf8), against: reference))
        #expect(!Self.hasher.verify(Array("Password".utf8), against: reference))
    }

    @Test
    func hash_withDefaultParameters_roundTrips() throws {
        let hasher = PasswordHasher()
        let encoded = try hasher.hash(Self.password)
        #expect(encoded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(hasher.verify(Self.password, against: encoded))
        #expect(!hasher.needsRehash(encoded))
    }

    @Test
    func hash_rejectsPasswordOver1024Bytes() {
        let error = #expect(throws: CryptoError.self) {
            try Self.hasher.hash([UInt8](repeating: 0x61, count: 1025))
        }
        #expect(error?.code == .passwordTooLong)
    }

    @Test
    func hash_accepts1024BytePassword() throws {
        let password = [UInt8](repeating: 0x61, count: 1024)
        #expect(Self.hasher.verify(password, against: try Self.hasher.hash(password)))
    }

    @Test
    func verify_rejectsPasswordOver1024Bytes() throws {
        let encoded = try Self.hasher.hash(Self.password)
        #expect(!Self.hasher.verify([UInt8](repeating: 0x61, count: 1025), against: encoded))
    }

    @Test(arguments: [
        Argon2Parameters(memoryKiB: 7, iterations: 1, parallelism: 1),
        Argon2Parameters(memoryKiB: 64, iterations: 0, parallelism: 1),
        Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 0),
        Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 9),
        Argon2Parameters(memoryKiB: 2 << 20, iterations: 1, parallelism: 1),
    ])
    func hash_rejectsParametersOutOfRange(_ parameters: Argon2Parameters) {
        let error = #expect(throws: CryptoError.self) {
            try PasswordHasher(parameters: parameters).hash([1])
        }
        #expect(error?.code == .invalidParameters)
    }

    @Test
    func hash_rejectsShortSaltFromRandomSource() {
        let hasher = PasswordHasher(parameters: Self.fast, random: ShortRandom())
        let error = #expect(throws: CryptoError.self) { try hasher.hash([1]) }
        #expect(error?.code == .hashingFailed)
    }

    static let valid =
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM"

    @Test
    func verify_acceptsWellFormedBaseline() {
        #expect(Self.hasher.verify(Array("password".utf8), against: Self.valid))
    }

    @Test(arguments: [
        "",
        "$",
        "argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$t=1,m=64,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=064,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=-64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=99999999999,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=0,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA==$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZQ$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvdd",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM$",
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtB_",
        "$argon2id$v=19$m=64,t=1,p=1$$55PWTvddWPUD1GMbKxSff4ASfF85k9ibHJt4HlHQtBM",
    ])
    func verify_rejectsMalformedPHCString(_ encoded: String) {
        #expect(!Self.hasher.verify(Array("password".utf8), against: encoded))
        #expect(Self.hasher.needsRehash(encoded))
    }

    @Test
    func needsRehash_isFalseForCurrentParameters() throws {
        #expect(!Self.hasher.needsRehash(try Self.hasher.hash(Self.password)))
    }

    @Test(arguments: [
        Argon2Parameters(memoryKiB: 128, iterations: 1, parallelism: 1),
        Argon2Parameters(memoryKiB: 64, iterations: 2, parallelism: 1),
        Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 2),
    ])
    func needsRehash_isTrueWhenParametersDiffer(_ parameters: Argon2Parameters) throws {
        let encoded = try PasswordHasher(parameters: parameters).hash(Self.password)
        #expect(Self.hasher.needsRehash(encoded))
    }

    @Test
    func needsRehash_isTrueForShortSalt() {
        // The libargon2 vector has an 8-byte salt; ours are 16.
        let hasher = PasswordHasher(
            parameters: Argon2Parameters(memoryKiB: 65536, iterations: 2, parallelism: 1)
        )
        let reference =
            "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
        #expect(hasher.needsRehash(reference))
    }
}
