import Testing

@testable import StepgateCore

@Suite struct OAuthErrorTests {
    static let table: [(OAuthError, String, Int)] = [
        (.invalidRequest("x"), "invalid_request", 400),
        (.invalidClient("x"), "invalid_client", 401),
        (.invalidGrant("x"), "invalid_grant", 400),
        (.unauthorizedClient("x"), "unauthorized_client", 400),
        (.unsupportedGrantType("x"), "unsupported_grant_type", 400),
        (.unsupportedResponseType("x"), "unsupported_response_type", 400),
        (.invalidScope("x"), "invalid_scope", 400),
        (.accessDenied("x"), "access_denied", 403),
        (.loginRequired("x"), "login_required", 400),
        (.interactionRequired("x"), "interaction_required", 400),
        (.unmetAuthenticationRequirements("x"), "unmet_authentication_requirements", 400),
        (.invalidToken("x"), "invalid_token", 401),
        (.insufficientUserAuthentication("x"), "insufficient_user_authentication", 401),
        (.serverError("x"), "server_error", 500),
        (.temporarilyUnavailable("x"), "temporarily_unavailable", 503),
        (.invalidAuthorizationDetails("x"), "invalid_authorization_details", 400),
        (.invalidDPoPProof("x"), "invalid_dpop_proof", 400),
        (.useDPoPNonce("x"), "use_dpop_nonce", 400),
    ]

    @Test(arguments: table)
    func constructor_mapsCodeAndStatus(error: OAuthError, publicCode: String, status: Int) {
        #expect(error.publicCode == publicCode)
        #expect(error.httpStatus == status)
        #expect(OAuthError.Code(publicCode: publicCode) == error.code)
        #expect(error.publicDescription?.isEmpty == false)
    }

    @Test func codeAll_coversEveryConstructor() {
        #expect(Set(OAuthError.Code.all.map(\.publicCode)) == Set(Self.table.map(\.1)))
    }

    @Test func codeInit_rejectsUnknownString() {
        #expect(OAuthError.Code(publicCode: "INVALID_GRANT") == nil)
        #expect(OAuthError.Code(publicCode: "") == nil)
    }

    @Test func publicFace_neverHoldsDetail() {
        let error = OAuthError.invalidGrant("code abc123 expired")
        #expect(error.publicDescription?.contains("abc123") == false)
        #expect(error.publicCode == "invalid_grant")
        #expect(error.detail == "code abc123 expired")
    }

    @Test func publicDescription_takesFixedOverride() {
        let error = OAuthError.invalidRequest("no redirect_uri", publicDescription: "redirect_uri is required.")
        #expect(error.publicDescription == "redirect_uri is required.")
    }

    @Test func description_namesCodeAndPlace() {
        let error = OAuthError.invalidToken("signature mismatch")
        #expect(error.description.hasPrefix("OAuthError.invalid_token: signature mismatch ("))
        #expect(error.file.hasSuffix("OAuthErrorTests.swift"))
    }
}
