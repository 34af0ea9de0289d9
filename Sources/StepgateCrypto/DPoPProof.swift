/// A verified DPoP proof JWT (RFC 9449 §4): who holds the key, and the proof's single-use ID.
///
/// Known gap: only ES256 proofs (P-256 `jwk`) are accepted; EdDSA and RS256 proof keys are
/// refused with `.unsupportedAlgorithm`, since JWK parsing exists for P-256 keys only.
public struct DPoPProof: Sendable, Hashable {
    /// The longest `jti` accepted, in bytes.
    public static let maximumJTILength = 256
    /// The longest proof accepted, in bytes (a P-256 proof with an `ath` and a nonce is about 600).
    public static let maximumLength = 4_096

    /// The proof's unique ID; the caller records it (with the thumbprint) so it works once.
    public let jti: String
    /// The RFC 7638 SHA-256 thumbprint of the proof's key, base64url: the `jkt` of `cnf`.
    public let thumbprint: String
    /// When the client says it made the proof, seconds since 1970.
    public let issuedAt: Int64

    /// What the proof must match: the request it came with, and the server's demands.
    public struct Expectation {
        /// The request's method, compared exactly with `htm`.
        public var method: String
        /// The request's URI as the server sees it (`https://host/path`); compared with `htu`
        /// after `normalizedURI` on both.
        public var uri: String
        /// Now, seconds since 1970.
        public var now: Int64
        /// How far `iat` may be from `now`, either way, in seconds.
        public var window: Int64
        /// The access token presented with the proof, if any: then `ath` must be its hash.
        public var accessToken: String?
        /// Decides whether a nonce is acceptable; nil when the server demands none (a nonce sent
        /// anyway is then ignored).
        public var nonce: ((String) -> Bool)?

        /// An expectation for a request of `method` to `uri` at `now`.
        public init(
            method: String,
            uri: String,
            now: Int64,
            window: Int64 = 60,
            accessToken: String? = nil,
            nonce: ((String) -> Bool)? = nil
        ) {
            self.method = method
            self.uri = uri
            self.now = now
            self.window = window
            self.accessToken = accessToken
            self.nonce = nonce
        }
    }

    /// The proof in `compact` once it passes every check of RFC 9449 §4.3 against `expected`.
    ///
    /// Checks in the order of §4.3 (steps 1-12), each failing with its own `DPoPError` code:
    /// a compact JWS of at most `maximumLength` bytes (`.malformed`); `typ` `dpop+jwt`
    /// (`.wrongType`); `alg` `ES256` and no `crit` (`.unsupportedAlgorithm`); a `jwk` without
    /// private members (`.privateKey`) that is a P-256 public key (`.invalidKey`); the signature
    /// (`.invalidSignature`); the claims `jti`, `htm`, `htu` (strings) and `iat` (integer)
    /// (`.invalidClaims`); `jti` of 1 to 256 bytes (`.jtiTooLong`); `htm` (`.methodMismatch`);
    /// `htu` (`.uriMismatch`); a nonce when demanded (`.nonceMissing`, `.nonceInvalid`); `iat`
    /// within `window` of `now` (`.issuedAtOutOfWindow`); `ath` when an access token is given
    /// (`.accessTokenHashMismatch`). The single use of `jti` (step 11) is the caller's, since it
    /// needs the store.
    public static func verify(_ compact: String, _ expected: Expectation) throws(DPoPError) -> DPoPProof {
        guard compact.utf8.count <= maximumLength else { throw DPoPError(.malformed, "proof too large") }
        let header: JSONValue
        do {
            header = try JWS.decodeWithoutVerifying(compact).header
        } catch {
            throw DPoPError(.malformed, "not a compact JWS with a JSON object header")
        }
        // Step 4: the type, before the key is even read.
        guard header["typ"] == "dpop+jwt" else { throw DPoPError(.wrongType, "typ is not dpop+jwt") }
        let verified = try checkSignature(compact)
        let key = try headerKey(header)
        guard let claims = try? JSONValue.parse(verified.payload, maxDepth: 8), claims.objectValue != nil,
            let jti = claims["jti"]?.stringValue, let method = claims["htm"]?.stringValue,
            let uri = claims["htu"]?.stringValue, let issuedAt = claims["iat"]?.integerValue
        else { throw DPoPError(.invalidClaims, "jti, htm, htu or iat missing or mistyped") }
        guard !jti.isEmpty, jti.utf8.count <= maximumJTILength else {
            throw DPoPError(.jtiTooLong, "jti empty or over 256 bytes")
        }
        // Step 8: the method, exactly (methods are case-sensitive, RFC 9110 §9.1).
        guard method == expected.method else { throw DPoPError(.methodMismatch, "htm does not match") }
        // Step 9: the URI without query and fragment, after syntax-based normalisation.
        guard let claimed = normalizedURI(uri), claimed == normalizedURI(expected.uri) else {
            throw DPoPError(.uriMismatch, "htu does not match")
        }
        if let accepts = expected.nonce {
            guard let nonce = claims["nonce"]?.stringValue else {
                throw DPoPError(.nonceMissing, "nonce demanded and missing")
            }
            guard accepts(nonce) else { throw DPoPError(.nonceInvalid, "nonce not accepted") }
        }
        // Step 11 (time part): iat within the window, either way (clocks drift).
        let (low, lowOverflow) = expected.now.subtractingReportingOverflow(expected.window)
        let (high, highOverflow) = expected.now.addingReportingOverflow(expected.window)
        guard !lowOverflow, !highOverflow, issuedAt >= low, issuedAt <= high else {
            throw DPoPError(.issuedAtOutOfWindow, "iat outside the window")
        }
        // Step 12: the access token hash.
        if let token = expected.accessToken {
            let hash = Base64URL.encode(Digest.sha256(token))
            guard let ath = claims["ath"]?.stringValue, constantTimeEquals(ath, hash) else {
                throw DPoPError(.accessTokenHashMismatch, "ath missing or not the token's hash")
            }
        }
        return DPoPProof(jti: jti, thumbprint: key.thumbprint, issuedAt: issuedAt)
    }

    /// Steps 5-7: the algorithm, the key in the header, the signature under it.
    private static func checkSignature(_ compact: String) throws(DPoPError) -> VerifiedJWS {
        do {
            return try JWS.verify(compact) { header in try headerKey(header) }
        } catch let error as DPoPError {
            throw error
        } catch let error as JOSEError {
            switch error.code {
            case .unsupportedAlgorithm, .unsupportedCritical:
                throw DPoPError(.unsupportedAlgorithm, "alg is not ES256, or crit present")
            case .invalidSignature: throw DPoPError(.invalidSignature, "signature does not verify")
            default: throw DPoPError(.malformed, "not a compact JWS")
            }
        } catch {
            throw DPoPError(.malformed, "not a compact JWS")
        }
    }

    /// The public key of the `jwk` header member; never a private one.
    private static func headerKey(_ header: JSONValue) throws(DPoPError) -> ES256PublicKey {
        guard let jwk = header["jwk"] else { throw DPoPError(.invalidKey, "no jwk header") }
        do {
            return try JWK.publicKey(json: jwk)
        } catch let error as JOSEError where error.code == .privateKeyMember {
            throw DPoPError(.privateKey, "jwk holds private key members")
        } catch {
            throw DPoPError(.invalidKey, "jwk is not a P-256 public key")
        }
    }

    /// `uri` as RFC 9449 §4.3 step 9 compares it: scheme and host lowercased, a default port
    /// (80 for http, 443 for https) dropped, an empty path as `/`, query and fragment removed.
    /// Nil when `uri` is not an absolute `http` or `https` URI with a host, or holds bytes
    /// outside visible ASCII.
    ///
    /// Known gap: RFC 3986 §6.2.2.2-3 normalisation (percent-encoding case, dot segments) is not
    /// applied to the path; a client that writes `%7e` for `~` or `/a/../b` is refused.
    public static func normalizedURI(_ uri: String) -> String? {
        guard uri.utf8.count <= 8_192, uri.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        var rest = Substring(uri)
        if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }
        guard let colon = rest.firstRange(of: "://") else { return nil }
        let scheme = rest[..<colon.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let afterScheme = rest[colon.upperBound...]
        let slash = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let authority = afterScheme[..<slash]
        let path = afterScheme[slash...]
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var host = Substring(authority.lowercased())
        var port = ""
        if let portColon = host.lastIndex(of: ":"), !host[portColon...].contains("]") {
            port = String(host[host.index(after: portColon)...])
            host = host[..<portColon]
            guard port.isEmpty || port.allSatisfy(\.isASCIIDigit) else { return nil }
        }
        guard isValidHost(host) else { return nil }
        if port == "" || (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
            port = ""
        } else {
            port = ":" + port
        }
        return scheme + "://" + host + port + (path.isEmpty ? "/" : String(path))
    }
}

/// A host of `normalizedURI`, already lowercased: a name of letters, digits, `.`, `-` and `_`,
/// or a bracketed IPv6 address (hex digits, `:` and `.`). A bare `:` is refused, so a host
/// cannot hide a second port.
private func isValidHost(_ host: Substring) -> Bool {
    if host.first == "[" {
        guard host.count > 2, host.last == "]" else { return false }
        return host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
    return !host.isEmpty && host.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || ".-_".contains($0) }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
