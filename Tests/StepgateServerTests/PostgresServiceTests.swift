import Foundation
import StepgateCore
import Synchronization
import Testing

@testable import StepgateServer
@testable import StepgateStore

/// The provider on PostgreSQL: a sign-in with password and TOTP ends in tokens and the code
/// cannot be replayed, and a database that cannot be reached answers 503 (never 200 or 403)
/// until it is back. Runs only with `STEPGATE_TEST_POSTGRES` set.
@Suite(.enabled(if: testPostgresServer != nil, "STEPGATE_TEST_POSTGRES is not set"))
struct PostgresServiceTests {
    @Test func signIn_redeemsTheCodeOnce() throws {
        let database = try TestDatabase()
        let harness = try Harness { $0.postgres = database.parameters }
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal2")

        let location = harness.signIn(&browser, request)
        let tokens = harness.redeem(location, request)
        let replay = harness.redeem(location, request)

        #expect(tokens.status == 200)
        #expect(try harness.claims(tokens.jsonBody?["access_token"]?.stringValue)["acr"] == "aal2")
        #expect(replay.status == 400)
        #expect(replay.jsonBody?["error"] == "invalid_grant")
    }

    @Test func storeDown_answers503_andServiceRecoversWhenItIsBack() throws {
        let database = try TestDatabase()
        let harness = try Harness { $0.postgres = database.parameters }
        var browser = harness.browser()
        #expect(browser.send(.get, "/readyz").status == 200)

        try database.refuseConnections(true)
        #expect(browser.send(.get, "/readyz").status == 503)
        let token = browser.send(.post, "/token", form: [("grant_type", "refresh_token"), ("client_id", "app")])
        #expect(token.status == 503)
        let login = browser.send(.get, "/authorize?client_id=app&response_type=code&scope=openid")
        #expect(login.status == 503)

        try database.refuseConnections(false)
        #expect(browser.send(.get, "/readyz").status == 200)
        harness.assertLogsHold(none: [database.password])
    }

    /// A bearer token that may well be valid is never called invalid because the database is
    /// down: not at `/decide` (which used to answer 401 `invalid_token`), not at `/userinfo`,
    /// also once the key ring is due for a reload from the store.
    @Test func storeDown_bearerTokenAnswers503_notInvalidToken() throws {
        let database = try TestDatabase()
        let harness = try BankPolicy.harness { $0.postgres = database.parameters }
        var browser = harness.browser()
        let request = ClientRequest(acr: "aal2")
        let tokens = harness.redeem(harness.signIn(&browser, request), request)
        let token = try #require(tokens.jsonBody?["access_token"]?.stringValue)
        var proxy = harness.browser()
        #expect(proxy.decide(Forwarded(bearer: token)).status == 200)

        try database.refuseConnections(true)
        let decided = proxy.decide(Forwarded(bearer: token))
        harness.clock.advance(by: 31)  // past the key ring's reload interval
        let stale = proxy.decide(Forwarded(bearer: token))
        let userinfo = proxy.send(.get, "/userinfo", headers: [("Authorization", "Bearer " + token)])

        #expect(decided.status == 503)
        #expect(stale.status == 503)
        #expect(userinfo.status == 503)
        #expect(decided.headers["WWW-Authenticate"] == nil)
        try database.refuseConnections(false)
        #expect(proxy.decide(Forwarded(bearer: token)).status == 200)
    }

    /// Two right answers to one flow at once (one per authenticator app, so neither is a TOTP
    /// replay), as two nodes would take them: the flow completes once, and the answer that
    /// loses the session rotation is refused cleanly (it used to end in a 500).
    @Test func racingRightAnswers_completeTheFlowOnce_withoutServerError() throws {
        let database = try TestDatabase()
        let harness = try Harness { $0.postgres = database.parameters }
        let secondSecret = Array("abcdefghijklmnopqrst".utf8)
        _ = try harness.admin.addTOTP(userName: "alice", secret: secondSecret)
        let second = TOTP(secret: secondSecret)
        for _ in 0..<6 {
            harness.clock.advance(by: 31)  // a fresh time-step for both apps
            var browser = harness.browser()
            let (flow, _) = harness.passwordThenState(&browser)
            let codes = [harness.totp(), second.code(step: second.step(at: harness.clock.now))]
            let started = browser
            let outcomes = Mutex<[(status: Int, complete: Bool)]>([])

            DispatchQueue.concurrentPerform(iterations: 2) { index in
                var copy = started
                let response = copy.send(
                    .post,
                    "/api/login",
                    json: ["flow": .string(flow), "otp": .string(codes[index])]
                )
                let complete = response.jsonBody?["status"]?.stringValue == "complete"
                outcomes.withLock { $0.append((response.status, complete)) }
            }

            let results = outcomes.withLock { $0 }
            #expect(results.filter(\.complete).count == 1)
            #expect(results.allSatisfy { $0.status < 500 }, "statuses \(results.map(\.status))")
        }
    }
}

/// The test server's libpq URL from `STEPGATE_TEST_POSTGRES`, or nil.
private var testPostgresServer: String? {
    ProcessInfo.processInfo.environment["STEPGATE_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
}

/// A database of its own on the test server (connections to it can be refused without
/// disturbing other tests), dropped afterwards.
private final class TestDatabase {
    let name = "d_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    /// Not a real secret: a marker that must never reach a log.
    let password = "not-the-password-7f3a"
    let parameters: PostgresParameters
    private let admin: PostgresConnection

    init() throws {
        let server = try PostgresParameters(testPostgresServer ?? "")
        admin = try PostgresConnection(server)
        // The name is made of hex digits and an underscore only; an identifier cannot be bound.
        try admin.execute("CREATE DATABASE " + name, "create test database")
        var parameters = server
        parameters.overrides["dbname"] = name
        // The test server trusts loopback connections, so the password is sent and ignored.
        parameters.overrides["password"] = password
        self.parameters = parameters
    }

    deinit {
        try? admin.execute("DROP DATABASE " + name + " WITH (FORCE)", "drop test database")
    }

    /// Refuses (or allows again) connections to the database, ending the open ones, as a
    /// database that went down (or came back) would look to the server.
    func refuseConnections(_ refuse: Bool) throws {
        try admin.execute("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS " + (refuse ? "false" : "true"), "alter")
        if refuse {
            try admin.run(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1",
                [.text(name)]
            )
        }
    }
}
