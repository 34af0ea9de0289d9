/// An OAuth 2.0 / OpenID Connect error, with a public face and an internal detail.
///
/// The public face is `publicCode` and `publicDescription`: fixed strings, never built from
/// input. `detail` is for logs only: it is never encoded into a response, and it must never
/// carry a secret (code, token, password, verifier, cookie) or underlying error text.
public struct OAuthError: Error, Sendable, CustomStringConvertible {
    /// An `error` value from the OAuth and OpenID registries.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, CaseIterable {
            case invalidRequest = "invalid_request"
            case invalidClient = "invalid_client"
            case invalidGrant = "invalid_grant"
            case unauthorizedClient = "unauthorized_client"
            case unsupportedGrantType = "unsupported_grant_type"
            case unsupportedResponseType = "unsupported_response_type"
            case invalidScope = "invalid_scope"
            case accessDenied = "access_denied"
            case loginRequired = "login_required"
            case interactionRequired = "interaction_required"
            case unmetAuthenticationRequirements = "unmet_authentication_requirements"
            case invalidToken = "invalid_token"
            case insufficientUserAuthentication = "insufficient_user_authentication"
            case serverError = "server_error"
            case temporarilyUnavailable = "temporarily_unavailable"
            case invalidAuthorizationDetails = "invalid_authorization_details"
            case invalidDPoPProof = "invalid_dpop_proof"
            case useDPoPNonce = "use_dpop_nonce"
        }

        private let kind: Kind

        /// RFC 6749 §5.2: a parameter is missing, repeated, unsupported or malformed.
        public static let invalidRequest = Code(kind: .invalidRequest)
        /// RFC 6749 §5.2: client authentication failed.
        public static let invalidClient = Code(kind: .invalidClient)
        /// RFC 6749 §5.2: the code or refresh token is invalid, expired, used, or another
        /// client's.
        public static let invalidGrant = Code(kind: .invalidGrant)
        /// RFC 6749 §5.2: the client may not use this grant or response type.
        public static let unauthorizedClient = Code(kind: .unauthorizedClient)
        /// RFC 6749 §5.2: the grant type is not supported.
        public static let unsupportedGrantType = Code(kind: .unsupportedGrantType)
        /// RFC 6749 §4.1.2.1: the response type is not supported.
        public static let unsupportedResponseType = Code(kind: .unsupportedResponseType)
        /// RFC 6749 §5.2: the scope is invalid, unknown or exceeds what was granted.
        public static let invalidScope = Code(kind: .invalidScope)
        /// RFC 6749 §4.1.2.1: the user or the server refused.
        public static let accessDenied = Code(kind: .accessDenied)
        /// OIDC Core §3.1.2.6: `prompt=none` but the user is not signed in.
        public static let loginRequired = Code(kind: .loginRequired)
        /// OIDC Core §3.1.2.6: `prompt=none` but the user must interact.
        public static let interactionRequired = Code(kind: .interactionRequired)
        /// OpenID Unmet Authentication Requirements 1.0: the requested `acr` cannot be met.
        public static let unmetAuthenticationRequirements = Code(kind: .unmetAuthenticationRequirements)
        /// RFC 6750 §3.1: the access token is invalid, expired or revoked.
        public static let invalidToken = Code(kind: .invalidToken)
        /// RFC 9470 §3: the token's authentication is too weak or too old for this resource.
        public static let insufficientUserAuthentication = Code(kind: .insufficientUserAuthentication)
        /// RFC 6749 §4.1.2.1: an unexpected fault on our side.
        public static let serverError = Code(kind: .serverError)
        /// RFC 6749 §4.1.2.1: overloaded or in maintenance; try again later.
        public static let temporarilyUnavailable = Code(kind: .temporarilyUnavailable)

        /// RFC 9396 §5: `authorization_details` is malformed, of an unknown type, or misses a
        /// field the type needs.
        public static let invalidAuthorizationDetails = Code(kind: .invalidAuthorizationDetails)

        /// RFC 9449 §5, §7.1: the DPoP proof is missing where required, malformed, replayed, or
        /// does not match the request or the token.
        public static let invalidDPoPProof = Code(kind: .invalidDPoPProof)
        /// RFC 9449 §8: the proof must carry a nonce from the server (sent in `DPoP-Nonce`).
        public static let useDPoPNonce = Code(kind: .useDPoPNonce)

        /// Every code, for tests and documentation.
        public static let all: [Code] = Kind.allCases.map { Code(kind: $0) }

        /// The code for a wire string such as `invalid_grant`, or nil when unknown.
        public init?(publicCode: String) {
            guard let kind = Kind(rawValue: publicCode) else { return nil }
            self.kind = kind
        }

        private init(kind: Kind) {
            self.kind = kind
        }

        /// The wire string, e.g. `invalid_grant`.
        public var publicCode: String { kind.rawValue }

        /// The wire string.
        public var description: String { kind.rawValue }

        /// The HTTP status a direct (non-redirect) response uses.
        ///
        /// 401 for `invalid_client`, `invalid_token` and `insufficient_user_authentication`
        /// (RFC 6749 §5.2, RFC 6750 §3.1, RFC 9470 §3), 403 for `access_denied`, 500 for
        /// `server_error`, 503 for `temporarily_unavailable`, 400 otherwise. Authorization
        /// endpoint errors usually travel in a redirect instead.
        public var httpStatus: Int {
            switch kind {
            case .invalidClient, .invalidToken, .insufficientUserAuthentication: 401
            case .accessDenied: 403
            case .serverError: 500
            case .temporarilyUnavailable: 503
            default: 400
            }
        }

        /// A fixed sentence for `error_description`.
        public var defaultDescription: String {
            switch kind {
            case .invalidRequest: "The request is missing a parameter or has an invalid one."
            case .invalidClient: "Client authentication failed."
            case .invalidGrant: "The grant is invalid, expired or already used."
            case .unauthorizedClient: "The client is not allowed to use this grant."
            case .unsupportedGrantType: "The grant type is not supported."
            case .unsupportedResponseType: "The response type is not supported."
            case .invalidScope: "The requested scope is invalid."
            case .accessDenied: "Access was denied."
            case .loginRequired: "The user must sign in."
            case .interactionRequired: "The user must interact with the server."
            case .unmetAuthenticationRequirements: "The requested authentication level cannot be met."
            case .invalidToken: "The access token is invalid or expired."
            case .insufficientUserAuthentication: "A stronger or more recent authentication is required."
            case .serverError: "The server could not complete the request."
            case .temporarilyUnavailable: "The server is temporarily unavailable. Try again later."
            case .invalidAuthorizationDetails: "The authorization details are invalid."
            case .invalidDPoPProof: "The DPoP proof is invalid."
            case .useDPoPNonce: "The DPoP proof must carry the nonce the server sent."
            }
        }
    }

    /// Which error.
    public let code: Code
    /// A fixed sentence for `error_description`, or nil for none; never holds input.
    public let publicDescription: String?
    /// Internal explanation for logs; never encoded, never holds a secret.
    public let detail: String
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    /// An error of `code`.
    ///
    /// `publicDescription` is a `StaticString`, so input cannot reach the client through it;
    /// nil uses the code's default sentence. `detail` must hold no secret.
    public init(
        _ code: Code,
        _ detail: String,
        publicDescription: StaticString? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.detail = detail
        self.publicDescription = publicDescription.map { "\($0)" } ?? code.defaultDescription
        self.file = file
        self.line = line
    }

    /// The wire string, e.g. `invalid_grant`.
    public var publicCode: String { code.publicCode }

    /// The HTTP status for a direct response; see `Code.httpStatus`.
    public var httpStatus: Int { code.httpStatus }

    /// `code: detail (file:line)`; internal, for logs; `detail` holds no secret by contract.
    public var description: String { "OAuthError.\(code): \(detail) (\(file):\(line))" }
}
