import Foundation

/// Redirect URIs: compared exactly, never an open redirector.
public enum RedirectCases {
    public static let all: [any ProbeCase] = [variants, openRedirect]

    public static let variants = ScriptedCase(
        CaseInfo(
            id: "redirect_uri.variants",
            title: "redirect_uri variants of the registered one",
            category: "redirect_uri",
            sends:
                "authorization requests from a signed-in session with the registered redirect URI changed: "
                + "trailing slash, another path, an extra query, another host, another port, path in upper case; "
                + "then a token request naming another redirect URI than the code's",
            expects:
                "no redirect to any variant (an error page instead), and the token request refused",
            rationale:
                "RFC 9700 §4.1.3 and RFC 6749 §3.1.2.3: exact string matching; loose matching lets an "
                + "attacker's page on the same host receive codes",
            needs: []
        )
    ) { context in
        for (label, variant) in variantURIs(context.target.client.redirectURI) {
            try expectNoRedirect(context, to: variant, label: label) { $0.redirectURI = variant }
        }
        let issued = try context.issueCode()
        let changed = issued.parameters.redirectURI ?? context.target.client.redirectURI
        let response = try context.oidc().redeem(
            issued.session,
            code: issued.code,
            verifier: issued.parameters.codeVerifier,
            redirectURI: changed + "/",
            note: "redeem with another redirect_uri"
        )
        try context.require(
            response.tokens == nil,
            "the code was redeemed with another redirect_uri (RFC 6749 §4.1.3)"
        )
        return .passed
    }

    public static let openRedirect = ScriptedCase(
        CaseInfo(
            id: "redirect_uri.open_redirect",
            title: "Open redirect through redirect_uri",
            category: "redirect_uri",
            sends:
                "authorization requests naming attacker URIs (another site, user-info tricks, dot segments), "
                + "also with an unknown client_id and with an invalid response_type",
            expects: "never a redirect off the provider except to the registered URI",
            rationale:
                "RFC 6749 §4.1.2.1 (do not redirect to an invalid redirect URI), RFC 9700 §4.11: an "
                + "open redirector leaks codes and phishes users with the provider's name",
            needs: []
        )
    ) { context in
        let registered = context.target.client.redirectURI
        let origin = URLText.origin(registered) ?? registered
        let host = URLComponents(string: registered)?.host ?? "localhost"
        let attacks: [(String, String)] = [
            ("another site", "https://attacker.example/callback"),
            (
                "user-info trick",
                origin.replacingOccurrences(of: "://", with: "://\(host)@attacker.example") + "/cb"
            ),
            ("dot segments", registered + "/../../attacker"),
        ]
        for (label, uri) in attacks {
            try expectNoRedirect(context, to: uri, label: label) { $0.redirectURI = uri }
        }
        try expectNoRedirect(context, to: attacks[0].1, label: "unknown client") { parameters in
            parameters.redirectURI = attacks[0].1
            parameters.clientID = "probe-unknown-client"
        }
        try expectNoRedirect(context, to: attacks[0].1, label: "invalid response_type") {
            parameters in
            parameters.redirectURI = attacks[0].1
            parameters.responseType = "token"
        }
        return .passed
    }

    /// Variants of `uri` that exact matching refuses, each with a label.
    static func variantURIs(_ uri: String) -> [(String, String)] {
        var variants: [(String, String)] = [
            ("trailing slash", uri.hasSuffix("/") ? String(uri.dropLast()) : uri + "/"),
            ("extra query", uri + (uri.contains("?") ? "&" : "?") + "probe=1"),
        ]
        guard var components = URLComponents(string: uri) else { return variants }
        let path = components.path
        var other = components
        other.path =
            (path.split(separator: "/").dropLast().joined(separator: "/")).isEmpty
            ? "/other"
            : "/" + path.split(separator: "/").dropLast().joined(separator: "/") + "/other"
        if let text = other.string { variants.append(("another path", text)) }
        if path.uppercased() != path {
            components.path = path.uppercased()
            if let text = components.string { variants.append(("path in upper case", text)) }
            components.path = path
        }
        var host = components
        host.host = components.host == "127.0.0.1" ? "localhost" : "127.0.0.1"
        if let text = host.string { variants.append(("another host", text)) }
        var port = components
        port.port = (components.port ?? (components.scheme == "https" ? 443 : 80)) + 1
        if let text = port.string { variants.append(("another port", text)) }
        return variants
    }

    /// Sends a request `adjust` makes from a signed-in session and fails the case if any
    /// redirect (followed within the provider) leaves it for anything but the registered URI.
    static func expectNoRedirect(
        _ context: CaseContext,
        to uri: String,
        label: String,
        _ adjust: (inout AuthorizationParameters) -> Void
    ) throws {
        let lowest = try context.lowestLevel()
        let session = try context.sharedSession(level: lowest)
        let oidc = try context.oidc()
        var parameters = oidc.parameters(acr: lowest)
        adjust(&parameters)
        let registered = context.target.client.redirectURI
        var response = try session.get(
            oidc.authorizationURL(parameters),
            note: "authorization request: \(label)"
        )
        let path = URLText.path(oidc.metadata.authorizationEndpoint)
        for _ in 0..<3 {
            guard response.isRedirect, let location = response.location else { return }
            if uri != registered, location.hasPrefix(uri) {
                throw CaseFailed("\(label): the provider redirected to the unregistered URI")
            }
            if OIDCClient.isCallback(location, redirectURI: registered) { return }
            try context.require(
                AuthorizationCallback(location: location).code == nil,
                "\(label): a code went to a URI that is not the registered one"
            )
            guard
                !LoginDriver.leavesSignIn(
                    location,
                    issuer: context.target.issuer,
                    authorizationPath: path
                )
            else {
                throw CaseFailed(
                    "\(label): the provider redirected outside its sign-in pages (RFC 6749 §4.1.2.1)"
                )
            }
            response = try session.get(location, note: "follow within the provider")
        }
    }
}
