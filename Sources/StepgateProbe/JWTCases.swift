import StepgateCrypto

/// Forged access tokens (RFC 8725, RFC 7519 §4.1, RFC 9068 §4): each case gets a genuine
/// token at the level an API resource needs, checks that the resource takes it, then sends
/// forgeries of it; every one must be refused with 401 or 403.
public enum JWTCases {
    public static let all: [any ProbeCase] = [
        algNone, algConfusion, unknownKID, wrongAudience, wrongIssuer, expired, notYetValid,
        badSignature,
    ]

    /// A host no one can own (RFC 6761 §6.4), for claims and key URLs that must not matter.
    static let nowhere = "https://stepgate-probe.invalid"

    public static let algNone = ScriptedCase(
        CaseInfo(
            id: "jwt.alg_none",
            title: "Unsigned token (alg none)",
            category: "jwt",
            sends:
                "the genuine access token's claims under a header with alg none, None and NONE (alone, and "
                + "with the genuine typ and kid) and an empty signature, to the API resource",
            expects: "the genuine token accepted; every unsigned variant refused with 401 or 403",
            rationale:
                "RFC 8725 §2.1 and §3.1: the verifier, not the token, picks the algorithm, and an "
                + "unsecured JWT (RFC 7519 §6) is never an access token; RFC 9068 §4",
            needs: [.apiResource]
        )
    ) { context in
        let access = try GenuineAccess.obtain(context)
        let parts = try access.parts()
        for alg in ["none", "None", "NONE"] {
            for keep in [false, true] {
                let forged = JWTForgery.unsigned(parts, alg: alg, keepingHeader: keep)
                try access.expectRefused(
                    context,
                    forged,
                    "alg \(alg)" + (keep ? " with the genuine typ and kid" : " alone")
                )
            }
        }
        return .passed
    }

    public static let algConfusion = ScriptedCase(
        CaseInfo(
            id: "jwt.alg_confusion",
            title: "Algorithm confusion (HS256 with the public key)",
            category: "jwt",
            sends:
                "the genuine claims under alg HS256 and each published key's kid, MACed with that public "
                + "key as the secret: PEM (with and without the final newline), DER, the raw point, and "
                + "the JWK JSON text",
            expects: "every HS256 variant refused with 401 or 403",
            rationale:
                "RFC 8725 §2.1 and §3.1-§3.2: a verifier that lets the token's alg choose how to use a "
                + "key accepts a MAC anyone can compute from the published key",
            needs: [.apiResource]
        )
    ) { context in
        let access = try GenuineAccess.obtain(context)
        let parts = try access.parts()
        let oidc = try context.oidc()
        guard let keys = try? oidc.keys(access.session) else {
            // Known gap: the probe reads ES256 keys only, so RSA keys (the classic RS256 to
            // HS256 confusion) are not tried; the case is skipped for such a provider.
            throw CaseSkipped("the JWKS holds no ES256 key the probe can read")
        }
        var served: [String] = []
        if let uri = oidc.metadata.jwksURI,
            let document = try? access.session.get(uri, accept: .json, note: "JWKS as served").json
        {
            served = document["keys"]?.arrayValue?.map(\.serializedString) ?? []
        }
        for key in keys.keys {
            for (label, secret) in PublicKeyEncodings.confusionSecrets(key, served: served) {
                let forged = JWTForgery.hmacSigned(parts, secret: secret, kid: key.kid)
                try access.expectRefused(context, forged, "HS256 keyed with the \(label)")
            }
        }
        return .passed
    }

    public static let unknownKID = ScriptedCase(
        CaseInfo(
            id: "jwt.unknown_kid",
            title: "Token signed by a key the provider never published",
            category: "jwt",
            sends:
                "the genuine claims re-signed (ES256) with a fresh key the probe makes: under an unknown kid, "
                + "under the genuine kid, with the key embedded as a jwk header, and with jku and x5u headers",
            expects:
                "every variant refused with 401 or 403. The jku and x5u headers name an address under "
                + ".invalid (the probe serves no keys), so they show only that the resource does not take "
                + "a key from the token; the embedded jwk carries the probe's key itself",
            rationale:
                "RFC 8725 §3.10 and RFC 7515 §4.1.2-§4.1.5: keys come from the issuer's own JWKS, never "
                + "from the token; OIDC Core §10.1.1",
            needs: [.apiResource]
        )
    ) { context in
        let access = try GenuineAccess.obtain(context)
        let parts = try access.parts()
        let key = try ES256PrivateKey.generate()
        let probeKID = "stepgate-probe-" + context.random.token(byteCount: 8)
        let probeJWK = JWK(kid: probeKID, publicKey: key.publicKey)
        var header = parts.header
        header["kid"] = .string(probeKID)
        var variants: [(String, [String: JSONValue])] = [("an unknown kid", header)]
        variants.append(("the genuine kid", parts.header))
        var embedded = header
        embedded["jwk"] = probeJWK.json
        variants.append(("an embedded jwk", embedded))
        var genuineEmbedded = parts.header
        genuineEmbedded["jwk"] = probeJWK.json
        variants.append(("an embedded jwk under the genuine kid", genuineEmbedded))
        var jku = header
        jku["jku"] = .string(nowhere + "/jwks.json")
        variants.append(("a jku header", jku))
        var x5u = header
        x5u["x5u"] = .string(nowhere + "/key.pem")
        variants.append(("an x5u header", x5u))
        for (label, header) in variants {
            let forged = try JWTForgery.signed(parts, header: header, key: key)
            try access.expectRefused(context, forged, "the probe's key with \(label)")
        }
        return .passed
    }

    public static let badSignature = ScriptedCase(
        CaseInfo(
            id: "jwt.bad_signature",
            title: "One bit of the signature flipped",
            category: "jwt",
            sends:
                "the genuine access token with one bit flipped in the first, the middle and the last byte "
                + "of its signature",
            expects: "every variant refused with 401 or 403",
            rationale: "RFC 7515 §5.2 step 8 and RFC 9068 §4: a signature that does not verify is no token",
            needs: [.apiResource]
        )
    ) { context in
        let access = try GenuineAccess.obtain(context)
        let parts = try access.parts()
        let count = parts.signature.count
        for (byte, label) in [(0, "first"), (count / 2, "middle"), (count - 1, "last")] {
            let forged = JWTForgery.flippingSignatureBit(parts, byte: byte, bit: byte % 8)
            try access.expectRefused(context, forged, "a bit flipped in the \(label) signature byte")
        }
        return .passed
    }
}
