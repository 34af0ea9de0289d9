import Foundation
import StepgateProbe
import Testing

/// The optional `lockout_user` section and the capability the brute-force case needs.
@Suite struct LockoutUserTests {
    static let environment = [
        "PROBE_PASSWORD": "first-password-value", "PROBE_LOCKOUT_PASSWORD": "lockout-password-value",
        "PROBE_LOCKOUT_TOTP_SECRET": "MFRGGZDFMZTWQ2LK",
    ]

    static let base = """
        issuer: http://localhost:8080
        client: {id: probe, redirect_uri: "http://localhost:8080/cb"}
        user: {username: demo, password_env: PROBE_PASSWORD}

        """

    private func target(_ extra: String) throws -> TargetDescription {
        try TargetDescription.parse(Array((Self.base + extra).utf8), environment: Self.environment)
    }

    @Test func lockoutUser_isRead_andItsSecretsAreRedacted() throws {
        let target = try target(
            "lockout_user: {username: demo3, password_env: PROBE_LOCKOUT_PASSWORD, "
                + "totp_secret_env: PROBE_LOCKOUT_TOTP_SECRET}"
        )
        #expect(target.lockoutUser?.username == "demo3")
        #expect(target.lockoutUser?.totpSecret?.revealed == "MFRGGZDFMZTWQ2LK")
        #expect(target.secrets.contains("lockout-password-value"))
        #expect(target.secrets.contains("MFRGGZDFMZTWQ2LK"))
        #expect(Capability.lockoutUser.missing(in: target, options: RunOptions()) == nil)
    }

    @Test func capability_namesWhatIsMissing() throws {
        let none = try target("")
        #expect(none.lockoutUser == nil)
        #expect(Capability.lockoutUser.missing(in: none, options: RunOptions())?.contains("no lockout_user") == true)
        let noSeed = try target("lockout_user: {username: demo3, password_env: PROBE_LOCKOUT_PASSWORD}")
        #expect(
            Capability.lockoutUser.missing(in: noSeed, options: RunOptions()) == "the lockout_user has no totp_secret"
        )
    }

    @Test func lockoutUser_problemsNameTheSection() {
        let text = Self.base + "lockout_user: {username: demo3, password_env: PROBE_UNSET}"
        do {
            _ = try TargetDescription.parse(Array(text.utf8), environment: Self.environment)
            Issue.record("an unset variable was accepted")
        } catch {
            #expect(error.problems.contains { $0.hasPrefix("lockout_user.password") })
        }
    }
}
