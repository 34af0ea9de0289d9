/// The `Content-Security-Policy` Stepgate sends: no scripts, no framing, styles and images from
/// its own origin only, and forms that may submit to its own origin plus named others.
///
/// A browser applies `form-action` also to the redirects that follow a form submission, so a page
/// whose form ends in a redirect to another origin (the sign-in form of a flow, which ends at the
/// client's `redirect_uri`) must name that origin: see `source(forRedirectURI:)`.
public enum ContentSecurityPolicy {
    /// The policy with `form-action 'self'` and the `formActions` sources after it; with
    /// `scripts`, scripts from Stepgate's own origin may run (the WebAuthn pages need one: the
    /// browser's WebAuthn API has no form of its own). Inline scripts never run.
    public static func policy(formActions: [String] = [], scripts: Bool = false) -> String {
        let forms = (["'self'"] + formActions).joined(separator: " ")
        let script = scripts ? "script-src 'self'; " : ""
        return "default-src 'none'; \(script)style-src 'self'; img-src 'self' data:; form-action \(forms); "
            + "frame-ancestors 'none'; base-uri 'none'"
    }

    /// The CSP source that allows navigation to `uri`: `scheme://host[:port]` for http and https,
    /// `scheme:` for any other scheme (the private-use schemes of native apps); nil when `uri` is
    /// not an absolute URI whose parts are safe to place inside a policy.
    public static func source(forRedirectURI uri: String) -> String? {
        guard let colon = uri.firstIndex(of: ":") else { return nil }
        let scheme = uri[..<colon].lowercased()
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        guard scheme == "http" || scheme == "https" else { return "\(scheme):" }
        let rest = uri[uri.index(after: colon)...]
        guard rest.hasPrefix("//") else { return nil }
        let afterSlashes = rest.dropFirst(2)
        let authority = afterSlashes.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        // Userinfo has no place in a redirect URI and none in a CSP source.
        guard !authority.isEmpty, !authority.contains("@"),
            authority.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]".contains($0)) })
        else { return nil }
        return "\(scheme)://\(authority.lowercased())"
    }
}
