import StepgateCrypto

extension AttestationObject {
    /// The subject OU every packed attestation certificate carries (WebAuthn §8.2.1).
    static let attestationOrganizationalUnit = "Authenticator Attestation"

    /// Verifies the attestation statement by its format's procedure (WebAuthn §7.1 steps
    /// 21-22) and says what kind of attestation it was.
    ///
    /// The authenticator data must hold attested credential data; the caller checks that first.
    func verifiedType(clientDataHash: [UInt8]) throws(WebAuthnError) -> AttestationType {
        // §7.1 step 21: match fmt case-sensitively against the supported formats.
        switch format {
        case .none:
            // §8.7: the statement is an empty map.
            guard statement.mapValue?.isEmpty == true else {
                throw WebAuthnError(.attestationMalformed, "none attestation with a non-empty statement")
            }
            return .none
        case .packed:
            return try verifiedPackedType(clientDataHash: clientDataHash)
        default:
            throw WebAuthnError(.unsupportedAttestationFormat, "attestation format \(format.rawValue.prefix(32))")
        }
    }

    /// WebAuthn §8.2, verification procedure of the packed format.
    private func verifiedPackedType(clientDataHash: [UInt8]) throws(WebAuthnError) -> AttestationType {
        guard let credential = authenticatorData.attestedCredentialData else {
            throw WebAuthnError(.malformed, "no attested credential data")
        }
        // §8.2 step 1: the statement is valid CBOR of the packed syntax.
        guard let algorithm = statement["alg"]?.integerValue.map(COSEAlgorithm.init),
            let signature = statement["sig"]?.bytesValue
        else {
            throw WebAuthnError(.attestationMalformed, "packed alg or sig missing or mistyped")
        }
        guard statement["ecdaaKeyId"] == nil else {
            throw WebAuthnError(.attestationMalformed, "packed ECDAA attestation (removed from WebAuthn)")
        }
        let signed = authenticatorData.bytes + clientDataHash
        guard let chain = statement["x5c"] else {
            // §8.2 step 3 (self attestation): alg matches the credential key's, and sig
            // verifies with that key.
            guard algorithm == credential.publicKey.algorithm else {
                throw WebAuthnError(.attestationAlgorithmMismatch, "self attestation alg \(algorithm)")
            }
            guard credential.publicKey.isValidSignature(signature, for: signed) else {
                throw WebAuthnError(.attestationSignatureInvalid, "self attestation signature")
            }
            return .selfAttestation
        }
        let leaf = try Self.leafCertificate(of: chain)
        // §8.2 step 2: sig verifies with the leaf certificate's key under alg.
        guard leaf.isValidSignature(signature, for: signed, algorithm: algorithm) else {
            throw WebAuthnError(.attestationSignatureInvalid, "packed x5c signature with alg \(algorithm)")
        }
        // §8.2 step 2: the certificate meets §8.2.1.
        try Self.checkRequirements(of: leaf)
        // §8.2 step 2: an id-fido-gen-ce-aaguid extension must match the authenticator data.
        if let aaguid = leaf.aaguidExtension, aaguid.aaguid != credential.aaguid {
            throw WebAuthnError(.attestationAAGUIDMismatch, "certificate AAGUID differs from authenticator data")
        }
        // Known gap: WebAuthn §7.1 steps 23-24 (trust anchors) are not done: the x5c chain is
        // not validated to a root, certificate validity periods are not checked, and there is
        // no metadata service; the type is reported as basic-unverified for the caller to record.
        return .basicUnverified
    }

    /// The first certificate of `x5c`, after checking every element is one DER certificate.
    private static func leafCertificate(of chain: CBORValue) throws(WebAuthnError) -> X509Certificate {
        guard let elements = chain.arrayValue, !elements.isEmpty else {
            throw WebAuthnError(.attestationMalformed, "packed x5c is not a non-empty array")
        }
        var certificates: [X509Certificate] = []
        for element in elements {
            guard let der = element.bytesValue else {
                throw WebAuthnError(.attestationMalformed, "packed x5c holds a non-bytes element")
            }
            do {
                certificates.append(try X509Certificate(derEncoded: der))
            } catch {
                throw WebAuthnError(.attestationCertificateInvalid, "x5c element is not a DER certificate")
            }
        }
        return certificates[0]
    }

    /// WebAuthn §8.2.1, packed attestation statement certificate requirements.
    ///
    /// Known gap: a certificate without basic constraints is accepted (only a `cA` of true
    /// is refused), as some authenticators omit the extension.
    private static func checkRequirements(of certificate: X509Certificate) throws(WebAuthnError) {
        guard certificate.version == 3 else {
            throw WebAuthnError(.attestationCertificateInvalid, "certificate version \(certificate.version)")
        }
        let subject = certificate.subject
        guard subject.countryNames.count == 1, subject.countryNames[0].utf8.count == 2 else {
            throw WebAuthnError(.attestationCertificateInvalid, "subject C missing or not one country code")
        }
        guard subject.organizationNames.contains(where: { !$0.isEmpty }),
            subject.commonNames.contains(where: { !$0.isEmpty })
        else {
            throw WebAuthnError(.attestationCertificateInvalid, "subject O or CN missing")
        }
        guard subject.organizationalUnitNames == [attestationOrganizationalUnit] else {
            throw WebAuthnError(.attestationCertificateInvalid, "subject OU is not Authenticator Attestation")
        }
        guard certificate.isCertificateAuthority != true else {
            throw WebAuthnError(.attestationCertificateInvalid, "certificate is a CA")
        }
        guard certificate.aaguidExtension?.isCritical != true else {
            throw WebAuthnError(.attestationCertificateInvalid, "AAGUID extension marked critical")
        }
    }
}
