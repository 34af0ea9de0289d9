internal import COpenSSL

/// An X.509 certificate (RFC 5280) decoded from DER, with what WebAuthn attestation reads from
/// it (WebAuthn §8.2.1): version, subject, basic constraints, the FIDO AAGUID extension,
/// validity, and its public key for verifying a signature.
///
/// Decoding checks structure only: nothing here validates a chain, the certificate's own
/// signature, or its validity period against a clock.
// @unchecked Sendable: `certificate` is set in init, only read after; OpenSSL allows sharing an X509 read-only.
public final class X509Certificate: @unchecked Sendable {
    /// The subject attributes WebAuthn names (WebAuthn §8.2.1), each in the order it appears.
    public struct Subject: Sendable, Hashable {
        /// Country (C, 2.5.4.6) values.
        public var countryNames: [String]
        /// Organization (O, 2.5.4.10) values.
        public var organizationNames: [String]
        /// Organizational unit (OU, 2.5.4.11) values.
        public var organizationalUnitNames: [String]
        /// Common name (CN, 2.5.4.3) values.
        public var commonNames: [String]
    }

    /// The FIDO AAGUID extension (id-fido-gen-ce-aaguid, 1.3.6.1.4.1.45724.1.1.4).
    public struct AAGUIDExtension: Sendable, Hashable {
        /// The AAGUID: the contents of the extension's OCTET STRING, 16 bytes.
        public var aaguid: [UInt8]
        /// Whether the extension is marked critical (WebAuthn §8.2.1 says it must not be).
        public var isCritical: Bool
    }

    /// The object identifier of the FIDO AAGUID extension.
    public static let aaguidExtensionOID = "1.3.6.1.4.1.45724.1.1.4"

    /// The certificate as it was decoded.
    public let derEncoded: [UInt8]
    /// The X.509 version: 1, 2 or 3 (the encoded value plus one).
    public let version: Int
    /// The subject's C, O, OU and CN attributes.
    public let subject: Subject
    /// The basic constraints `cA` flag, or nil when the certificate has no basic constraints.
    public let isCertificateAuthority: Bool?
    /// The FIDO AAGUID extension, or nil when absent.
    public let aaguidExtension: AAGUIDExtension?
    /// Start of the validity period, in seconds since 1970-01-01T00:00:00Z.
    public let notBefore: Int64
    /// End of the validity period, in seconds since 1970-01-01T00:00:00Z.
    public let notAfter: Int64
    private let certificate: OpaquePointer

    /// The certificate that `derEncoded` holds, with nothing after it.
    ///
    /// Throws `CryptoError.invalidCertificate` when the bytes are not exactly one DER
    /// certificate, when a C, O, OU or CN value cannot be read as UTF-8, or when the basic
    /// constraints or the AAGUID extension appear twice or are malformed (the AAGUID extension
    /// must hold a 16-byte OCTET STRING).
    public init(derEncoded: [UInt8]) throws {
        let decoded: OpaquePointer? = derEncoded.withUnsafeBytes { bytes in
            // Safety: the cursor points into `bytes`, which lives for the whole closure; d2i
            // reads at most `count` bytes and copies what it keeps.
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var cursor: UnsafePointer<UInt8>? = UnsafePointer(base)
            guard let made = d2i_X509(nil, &cursor, bytes.count) else { return nil }
            guard let cursor, cursor - UnsafePointer(base) == bytes.count else {
                X509_free(made)
                return nil
            }
            return made
        }
        guard let decoded else { throw CryptoError(.invalidCertificate, "not exactly one DER certificate") }
        do {
            self.version = Int(X509_get_version(decoded)) + 1
            self.subject = try Self.subject(of: decoded)
            self.isCertificateAuthority = try Self.basicConstraintsCA(of: decoded)
            self.aaguidExtension = try Self.aaguidExtension(of: decoded)
            self.notBefore = try Self.seconds(X509_get0_notBefore(decoded))
            self.notAfter = try Self.seconds(X509_get0_notAfter(decoded))
        } catch {
            X509_free(decoded)
            throw error
        }
        self.certificate = decoded
        self.derEncoded = derEncoded
    }

    deinit {
        X509_free(certificate)
    }

    /// Whether `signature` is a valid `algorithm` signature of `message` by the certificate's
    /// subject public key.
    ///
    /// The key must fit the algorithm: a P-256 key for ES256 (DER signature), Ed25519 for
    /// EdDSA, RSA of at least 2048 bits for RS256 (PKCS #1 v1.5). Any other pairing, and any
    /// other algorithm, returns false.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8], algorithm: COSEAlgorithm) -> Bool {
        guard let key = X509_get0_pubkey(certificate) else { return false }
        switch algorithm {
        case .es256 where EVPSignature.isP256(key):
            return EVPSignature.verify(signature, for: message, key: key, digest: EVP_sha256())
        case .edDSA where EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519:
            return EVPSignature.verify(signature, for: message, key: key, digest: nil)
        case .rs256
        where EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA
            && Int(EVP_PKEY_get_bits(key)) >= RSAPublicKey.minimumModulusBits:
            return EVPSignature.verify(signature, for: message, key: key, digest: EVP_sha256())
        default:
            return false
        }
    }

    private static func subject(of certificate: OpaquePointer) throws -> Subject {
        let name = X509_get_subject_name(certificate)
        return Subject(
            countryNames: try values(of: NID_countryName, in: name),
            organizationNames: try values(of: NID_organizationName, in: name),
            organizationalUnitNames: try values(of: NID_organizationalUnitName, in: name),
            commonNames: try values(of: NID_commonName, in: name)
        )
    }

    /// Every value of attribute `nid` in `name`, as UTF-8; throws when one cannot be converted,
    /// so no value is silently left out of a check.
    private static func values(of nid: Int32, in name: OpaquePointer?) throws -> [String] {
        guard let name else { return [] }
        var found: [String] = []
        var position: Int32 = -1
        while true {
            position = X509_NAME_get_index_by_NID(name, nid, position)
            guard position >= 0 else { return found }
            guard let data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, position)) else {
                throw CryptoError(.invalidCertificate, "subject attribute without a value")
            }
            var converted: UnsafeMutablePointer<UInt8>?
            let length = ASN1_STRING_to_UTF8(&converted, data)
            guard length >= 0, let converted else {
                throw CryptoError(.invalidCertificate, "subject attribute not convertible to UTF-8")
            }
            defer { stepgate_openssl_free(converted) }
            // Safety: OpenSSL allocated `length` bytes at `converted`; they are copied before the free.
            let bytes = Array(UnsafeBufferPointer(start: converted, count: Int(length)))
            found.append(String(decoding: bytes, as: UTF8.self))
        }
    }

    private static func basicConstraintsCA(of certificate: OpaquePointer) throws -> Bool? {
        var critical: Int32 = 0
        let raw = X509_get_ext_d2i(certificate, NID_basic_constraints, &critical, nil)
        // X509_get_ext_d2i sets `critical` to -1 when absent and -2 when present more than once.
        guard let raw else {
            if critical == -1 { return nil }
            throw CryptoError(.invalidCertificate, "basic constraints repeated or malformed")
        }
        // Safety: for NID_basic_constraints OpenSSL returns a BASIC_CONSTRAINTS we now own.
        let constraints = raw.assumingMemoryBound(to: BASIC_CONSTRAINTS.self)
        defer { BASIC_CONSTRAINTS_free(constraints) }
        return constraints.pointee.ca != 0
    }

    private static func aaguidExtension(of certificate: OpaquePointer) throws -> AAGUIDExtension? {
        guard let oid = OBJ_txt2obj(aaguidExtensionOID, 1) else {
            throw CryptoError(.invalidCertificate, "OBJ_txt2obj failed")
        }
        defer { ASN1_OBJECT_free(oid) }
        let index = X509_get_ext_by_OBJ(certificate, oid, -1)
        guard index >= 0 else { return nil }
        guard X509_get_ext_by_OBJ(certificate, oid, index) < 0 else {
            throw CryptoError(.invalidCertificate, "AAGUID extension repeated")
        }
        guard let fidoExtension = X509_get_ext(certificate, index),
            let data = X509_EXTENSION_get_data(fidoExtension),
            let start = ASN1_STRING_get0_data(data)
        else { throw CryptoError(.invalidCertificate, "AAGUID extension unreadable") }
        // Safety: OpenSSL holds ASN1_STRING_length bytes at `start` while the certificate lives.
        let value = Array(UnsafeBufferPointer(start: start, count: Int(max(0, ASN1_STRING_length(data)))))
        // extnValue holds the DER of an OCTET STRING (tag 4) of 16 bytes.
        guard value.count == 18, value[0] == 0x04, value[1] == 16 else {
            throw CryptoError(.invalidCertificate, "AAGUID extension is not a 16-byte OCTET STRING")
        }
        return AAGUIDExtension(
            aaguid: Array(value[2...]),
            isCritical: X509_EXTENSION_get_critical(fidoExtension) == 1
        )
    }

    /// An ASN1_TIME as seconds since the Unix epoch.
    private static func seconds(_ time: UnsafePointer<ASN1_TIME>?) throws -> Int64 {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else {
            throw CryptoError(.invalidCertificate, "validity time unreadable")
        }
        let days = daysSinceEpoch(
            year: Int64(parts.tm_year) + 1900,
            month: Int64(parts.tm_mon) + 1,
            day: Int64(parts.tm_mday)
        )
        return days * 86_400 + Int64(parts.tm_hour) * 3600 + Int64(parts.tm_min) * 60 + Int64(parts.tm_sec)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
