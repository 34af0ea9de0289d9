/// Account pages behind a sign-in or a fresh step-up, as Stepgate's `/account` pages are.
extension LoginDriver {
    /// `url` as a signed-in, freshly stepped-up user sees it: any sign-in or step-up on the way
    /// is answered, and the page the provider returns to is fetched (at most three hops).
    ///
    /// - Parameter authorizationPath: the path of the provider's authorization endpoint, for
    ///   telling sign-in pages apart from the pages they return to.
    public func signedInPage(_ session: ClientSession, _ url: String, authorizationPath: String)
        throws(ProbeError) -> ProbeResponse
    {
        var response = try session.get(url, note: "account page")
        for _ in 0..<3 {
            guard response.isRedirect, let location = response.location else { return response }
            let issuer = self.issuer
            let isSignIn = !Self.leavesSignIn(location, issuer: issuer, authorizationPath: authorizationPath)
            if isSignIn {
                let back = try complete(session, from: location) {
                    Self.leavesSignIn($0, issuer: issuer, authorizationPath: authorizationPath)
                }
                response = try session.get(back, note: "back to the account page")
            } else {
                response = try session.get(location, note: "account page")
            }
        }
        return response
    }
}
