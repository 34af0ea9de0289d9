extension OAuthError {
    /// `invalid_request`, with an internal `detail`.
    public static func invalidRequest(
        _ detail: String,
        publicDescription: StaticString? = nil,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.invalidRequest, detail, publicDescription: publicDescription, file: file, line: line)
    }

    /// `invalid_client`, with an internal `detail`.
    public static func invalidClient(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.invalidClient, detail, file: file, line: line)
    }

    /// `invalid_grant`, with an internal `detail`.
    public static func invalidGrant(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.invalidGrant, detail, file: file, line: line)
    }

    /// `unauthorized_client`, with an internal `detail`.
    public static func unauthorizedClient(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.unauthorizedClient, detail, file: file, line: line)
    }

    /// `unsupported_grant_type`, with an internal `detail`.
    public static func unsupportedGrantType(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.unsupportedGrantType, detail, file: file, line: line)
    }

    /// `unsupported_response_type`, with an internal `detail`.
    public static func unsupportedResponseType(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.unsupportedResponseType, detail, file: file, line: line)
    }

    /// `invalid_scope`, with an internal `detail`.
    public static func invalidScope(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.invalidScope, detail, file: file, line: line)
    }

    /// `access_denied`, with an internal `detail`.
    public static func accessDenied(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.accessDenied, detail, file: file, line: line)
    }

    /// `login_required`, with an internal `detail`.
    public static func loginRequired(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.loginRequired, detail, file: file, line: line)
    }

    /// `interaction_required`, with an internal `detail`.
    public static func interactionRequired(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.interactionRequired, detail, file: file, line: line)
    }

    /// `unmet_authentication_requirements`, with an internal `detail`.
    public static func unmetAuthenticationRequirements(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.unmetAuthenticationRequirements, detail, file: file, line: line)
    }

    /// `invalid_token`, with an internal `detail`.
    public static func invalidToken(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.invalidToken, detail, file: file, line: line)
    }

    /// `insufficient_user_authentication`, with an internal `detail`.
    public static func insufficientUserAuthentication(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.insufficientUserAuthentication, detail, file: file, line: line)
    }

    /// `server_error`, with an internal `detail`.
    public static func serverError(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.serverError, detail, file: file, line: line)
    }

    /// `temporarily_unavailable`, with an internal `detail`.
    public static func temporarilyUnavailable(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.temporarilyUnavailable, detail, file: file, line: line)
    }

    /// `invalid_authorization_details` (RFC 9396 §5), with an internal `detail`.
    public static func invalidAuthorizationDetails(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.invalidAuthorizationDetails, detail, file: file, line: line)
    }

    /// `invalid_dpop_proof` (RFC 9449 §5), with an internal `detail`.
    public static func invalidDPoPProof(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.invalidDPoPProof, detail, file: file, line: line)
    }

    /// `use_dpop_nonce` (RFC 9449 §8), with an internal `detail`.
    public static func useDPoPNonce(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> OAuthError {
        OAuthError(.useDPoPNonce, detail, file: file, line: line)
    }
}
