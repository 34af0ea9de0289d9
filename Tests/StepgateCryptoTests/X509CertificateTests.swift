import Testing

@testable import StepgateCrypto

struct X509CertificateTests {
    static func certificate(_ literal: String) throws -> X509Certificate {
        try X509Certificate(derEncoded: TestCertificates.der(literal))
    }

    @Test
    func init_readsAttestationLeaf() throws {
        let leaf = try Self.certificate(TestCertificates.good)
        #expect(leaf.version == 3)
        #expect(leaf.subject.countryNames == ["US"])
        #expect(leaf.subject.organizationNames == ["Stepgate Test"])
        #expect(leaf.subject.organizationalUnitNames == ["Authenticator Attestation"])
        #expect(leaf.subject.commonNames == ["Stepgate Test Batch"])
        #expect(leaf.isCertificateAuthority == false)
        #expect(leaf.aaguidExtension == .init(aaguid: hex(TestCertificates.aaguidHex), isCritical: false))
        #expect(leaf.notAfter - leaf.notBefore == 36500 * 86_400)
        #expect(leaf.derEncoded == TestCertificates.der(TestCertificates.good))
    }

    @Test
    func init_readsAbsentAndCriticalExtensions() throws {
        #expect(try Self.certificate(TestCertificates.noAAGUID).aaguidExtension == nil)
        #expect(try Self.certificate(TestCertificates.criticalAAGUID).aaguidExtension?.isCritical == true)
        #expect(try Self.certificate(TestCertificates.versionOne).isCertificateAuthority == nil)
        #expect(try Self.certificate(TestCertificates.versionOne).version == 1)
        #expect(try Self.certificate(TestCertificates.root).isCertificateAuthority == true)
        #expect(try Self.certificate(TestCertificates.noCountry).subject.countryNames.isEmpty)
    }

    @Test
    func init_refusesMalformedAAGUIDExtension() {
        let error = #expect(throws: CryptoError.self) { try Self.certificate(TestCertificates.malformedAAGUID) }
        #expect(error?.code == .invalidCertificate)
    }

    @Test
    func init_refusesTrailingTruncatedOrEmptyBytes() {
        let der = TestCertificates.der(TestCertificates.good)
        for bytes in [der + [0], Array(der.dropLast()), [], [0x30, 0x00]] {
            let error = #expect(throws: CryptoError.self) { try X509Certificate(derEncoded: bytes) }
            #expect(error?.code == .invalidCertificate)
        }
    }

    @Test
    func isValidSignature_verifiesWithLeafKeyOnlyForES256() throws {
        let signer = try ES256PrivateKey(pkcs8DER: TestCertificates.der(TestCertificates.leafPrivateKey))
        let message = Array("attestation".utf8)
        let signature = try signer.signDER(message)
        let leaf = try Self.certificate(TestCertificates.good)
        #expect(leaf.isValidSignature(signature, for: message, algorithm: .es256))
        #expect(!leaf.isValidSignature(signature, for: message + [0], algorithm: .es256))
        #expect(!leaf.isValidSignature(signature, for: message, algorithm: .rs256))
        #expect(!leaf.isValidSignature(signature, for: message, algorithm: .edDSA))
        #expect(!leaf.isValidSignature(signature, for: message, algorithm: COSEAlgorithm(rawValue: -35)))
        #expect(
            !(try Self.certificate(TestCertificates.root)).isValidSignature(signature, for: message, algorithm: .es256)
        )
    }

    @Test
    func init_readsValidityAsUnixSeconds() throws {
        let leaf = try Self.certificate(TestCertificates.good)
        #expect(leaf.notBefore == TestCertificates.goodNotBefore)
        #expect(leaf.notAfter == TestCertificates.goodNotAfter)
    }

    @Test(arguments: [
        (1970, 1, 1, 0), (2000, 3, 1, 11017), (2017, 7, 14, 17361), (1969, 12, 31, -1), (2100, 3, 1, 47541),
        (1600, 2, 29, -135_081), (2126, 11, 10, 57291),
    ])
    func daysSinceEpoch_matchesCalendar(_ year: Int64, _ month: Int64, _ day: Int64, _ expected: Int64) {
        #expect(X509Certificate.daysSinceEpoch(year: year, month: month, day: day) == expected)
    }
}
