import StepgateHTTP
import Testing

@Suite struct ContentSecurityPolicyTests {
    @Test func policy_withoutSources_allowsFormsToSelfOnly() {
        let policy = ContentSecurityPolicy.policy()
        #expect(policy.contains("default-src 'none'"))
        #expect(policy.contains("form-action 'self';"))
        #expect(policy.contains("frame-ancestors 'none'"))
    }

    @Test func policy_namesExtraFormActionSources() {
        let policy = ContentSecurityPolicy.policy(formActions: ["https://app.example"])
        #expect(policy.contains("form-action 'self' https://app.example;"))
    }

    @Test(arguments: [
        ("https://app.example/cb", "https://app.example"),
        ("https://App.Example:8443/cb?x=1", "https://app.example:8443"),
        ("http://127.0.0.1:9000/rp/callback", "http://127.0.0.1:9000"),
        ("http://[::1]:9000/cb", "http://[::1]:9000"),
        ("https://app.example", "https://app.example"),
        ("com.example.app:/oauth2redirect", "com.example.app:"),
    ])
    func source_isTheOriginOfTheRedirectURI(uri: String, expected: String) {
        #expect(ContentSecurityPolicy.source(forRedirectURI: uri) == expected)
    }

    @Test(arguments: [
        "", "/relative/path", "no-colon", "https:/one-slash", "https://", "https://user@app.example/cb",
        "https://app.example;script-src *", "https://app example/cb", "1http://x/", "ht tp://x/",
        "https://app.example'/cb",
    ])
    func source_refusesWhatCannotBeASafeSource(uri: String) {
        #expect(ContentSecurityPolicy.source(forRedirectURI: uri) == nil)
    }
}
