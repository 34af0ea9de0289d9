/// Codes issued without answering anything, from a shared signed-in session: what the code,
/// PKCE, redirect and refresh cases start from.
extension CaseContext {
    /// A code issued at once to a copy of `role`'s session signed in at `level` (the lowest
    /// when nil), for parameters `adjust` may change first.
    public func issueCode(
        level: String? = nil,
        as role: ProbeUser.Role = .primary,
        _ adjust: (inout AuthorizationParameters) -> Void = { _ in }
    ) throws -> IssuedCode {
        let level = try level ?? lowestLevel()
        let session = try sharedSession(role, level: level)
        var parameters = try oidc().parameters(acr: level)
        adjust(&parameters)
        let step = try oidc().authorize(session, parameters)
        guard case .callback(let callback, _) = step else {
            throw CaseFailed(
                "a signed-in session at \(level) got no immediate answer from the authorization endpoint"
            )
        }
        return IssuedCode(
            session: session,
            parameters: parameters,
            code: try code(callback),
            callback: callback
        )
    }
}
