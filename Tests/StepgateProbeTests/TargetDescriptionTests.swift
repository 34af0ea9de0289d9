import Foundation
import StepgateProbe
import Testing

@Suite struct TargetDescriptionTests {
    static let environment = [
        "PROBE_PASSWORD": "first-password-value", "PROBE_TOTP_SECRET": "JBSWY3DPEHPK3PXPJBSWY3DP",
        "PROBE_SECOND_PASSWORD": "second-password-value", "PROBE_SECOND_TOTP_SECRET": "KRSXG5CTMVRXEZLU",
        "PROBE_LOCKOUT_PASSWORD": "lockout-password-value", "PROBE_LOCKOUT_TOTP_SECRET": "MFRGGZDFMZTWQ2LK",
    ]

    static let minimal = """
        issuer: http://localhost:8080
        client: {id: probe, redirect_uri: "http://localhost:8080/cb"}
        user: {username: demo, password_env: PROBE_PASSWORD}
        """

    private func problems(_ text: String, environment: [String: String] = environment) -> [String] {
        do {
            _ = try TargetDescription.parse(Array(text.utf8), environment: environment)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func parse_readsTheExampleTarget() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/probe-stepgate.yaml").path
        let target = try TargetDescription.load(path: path, environment: Self.environment)
        #expect(target.issuer == "http://localhost:8080")
        #expect(target.client.id == "probe")
        #expect(target.client.secret == nil)
        #expect(target.ui == .auto)
        #expect(target.flowLifetime == 300)
        #expect(target.user.username == "demo")
        #expect(target.user.password.revealed == "first-password-value")
        #expect(target.user.webAuthn == .register)
        #expect(target.secondUser?.username == "demo2")
        #expect(target.lockoutUser?.username == "demo3")
        #expect(target.resources.map(\.name) == ["balance", "statement", "add-payee", "transfer"])
        let payee = target.resources[2]
        #expect(payee.expects.maxAge == 300 && payee.allowedStatus == [303] && !payee.browser)
        let transfer = target.resources[3]
        #expect(transfer.expects.bound && transfer.expects.otherURL != nil && transfer.authorizationDetails != nil)
    }

    @Test func parse_defaults() throws {
        let target = try TargetDescription.parse(Array(Self.minimal.utf8), environment: Self.environment)
        #expect(target.ui == .auto && target.timeout == 10 && target.levels == nil && target.flowLifetime == nil)
        #expect(target.resources.isEmpty && target.secondUser == nil && target.user.totpSecret == nil)
        #expect(target.secrets == ["first-password-value"])
    }

    @Test func parse_readsPasswordChangeURL() throws {
        let text =
            Self.minimal + "\n" + """
                second_user:
                  username: demo2
                  password_env: PROBE_SECOND_PASSWORD
                  password_change_url: http://localhost:8080/me/password
                """
        let target = try TargetDescription.parse(Array(text.utf8), environment: Self.environment)
        #expect(target.user.passwordChangeURL == nil)
        #expect(target.secondUser?.passwordChangeURL == "http://localhost:8080/me/password")
        let bad = problems(text.replacingOccurrences(of: "http://localhost:8080/me/password", with: "not a url"))
        #expect(bad.count == 1 && bad.first?.hasPrefix("second_user.password_change_url") == true)
    }

    @Test func problems_nameTheVariableNeverItsValue() {
        let found = problems(Self.minimal, environment: [:])
        #expect(found == ["user.password_env (line 3): PROBE_PASSWORD is not set"])
    }

    @Test func problems_areAllReportedAtOnce() {
        let text = """
            issuer: ftp://localhost
            client: {id: probe}
            ui: curses
            user: {username: demo, password: inline-secret, password_env: PROBE_PASSWORD, totp_secret: "not base32!"}
            resources:
              - {name: a, url: "http://x/", browser: maybe, expects: {acr: aal9}}
              - {name: a, url: "http://x/", allowed_status: [200, 999], expects: {acr: aal1, other_url: "http://x/"}}
            levels: [aal1, aal2]
            colour: blue
            """
        let found = problems(text)
        let expected = [
            "colour", "issuer", "client.redirect_uri", "ui", "user.password", "browser", "expects.acr", "used twice",
            "allowed_status", "only for bound",
        ]
        for fragment in expected {
            #expect(found.contains { $0.contains(fragment) }, "no problem mentions \(fragment): \(found)")
        }
        #expect(!found.joined().contains("inline-secret"))
    }

    @Test(arguments: [
        "a: &x 1",
        "issuer: [unclosed",
        "- just\n- a list",
    ])
    func parse_refusesDocumentsThatAreNotTargets(_ text: String) {
        #expect(!problems(text).isEmpty)
    }

    @Test func secrets_printRedacted() throws {
        let target = try TargetDescription.parse(Array(Self.minimal.utf8), environment: Self.environment)
        #expect("\(target.user.password)" == "<redacted>")
        #expect(!String(describing: target).contains("first-password-value"))
        var dumped = ""
        dump(target, to: &dumped)
        #expect(!dumped.contains("first-password-value"))
    }
}
