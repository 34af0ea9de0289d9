import Foundation
import Testing

@testable import StepgateStore

/// What only the PostgreSQL store shows: reconnecting, unavailability, two nodes racing, and
/// migrations under the advisory lock. Runs only with `STEPGATE_TEST_POSTGRES` set.
@Suite(.enabled(if: PostgresTestServer.connectionString != nil, "STEPGATE_TEST_POSTGRES is not set"))
struct PostgresStoreTests {
    @Test
    func call_reconnectsAfterTheServerEndsTheSession() throws {
        let fixture = try StoreFixture(.postgres, poolSize: 1)
        let store = try #require(fixture.postgres)
        try fixture.store.insertUser(Sample.user())
        let before = try store.withConnection { $0.backendPID }

        try Self.terminate(backend: before)

        #expect(try fixture.store.user(id: "user-1") == Sample.user())
        #expect(try store.withConnection { $0.backendPID } != before)
    }

    @Test
    func call_throwsUnavailableWhileTheDatabaseRefusesConnections_andRecoversAfterwards() throws {
        let database = "d_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresConnection(PostgresTestServer.adminParameters())
        // The name is made of hex digits and an underscore only; an identifier cannot be bound.
        try admin.execute("CREATE DATABASE " + database, "create test database")
        defer { try? admin.execute("DROP DATABASE " + database + " WITH (FORCE)", "drop test database") }
        var parameters = try PostgresTestServer.adminParameters()
        parameters.overrides["dbname"] = database
        let store = try PostgresStore(parameters, poolSize: 2)
        defer { store.close() }
        try store.insertUser(Sample.user())

        try admin.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS false", "refuse connections")
        try admin.run(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1",
            [.text(database)]
        )
        let error = #expect(throws: StoreError.self) { try store.user(id: "user-1") }
        #expect(error?.code == .unavailable)

        try admin.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS true", "allow connections")
        #expect(try store.user(id: "user-1") == Sample.user())
    }

    @Test
    func init_throwsUnavailableQuicklyWhenNothingListens_withoutThePassword() throws {
        let port = try Self.closedPort()
        let started = Date()

        let error = #expect(throws: StoreError.self) {
            try PostgresStore(
                PostgresParameters("postgresql://stepgate:hunter2-secret@127.0.0.1:\(port)/stepgate?connect_timeout=2")
            )
        }

        #expect(error?.code == .unavailable)
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(error.map { "\($0)" }?.contains("hunter2") == false)
    }

    @Test
    func singleUseValues_areConsumedOnceAcrossTwoNodes() throws {
        let (fixture, other) = try Self.twoNodes()
        defer { other.close() }
        let nodes: [any Store] = [fixture.store, other]
        try Sample.seed(fixture.store)
        try fixture.store.insertFactor(Sample.factor())
        try fixture.store.insertAuthorizationCode(Sample.code())
        try fixture.store.insertRefreshToken(Sample.refreshToken())

        let code = race(16) {
            try nodes[$0 % 2].consumeAuthorizationCode(hash: Sample.codeHash(), now: Sample.now) != nil
        }
        let token = race(16) { try nodes[$0 % 2].consumeRefreshToken(hash: Sample.tokenHash(), now: Sample.now) != nil }
        let step = race(16) { try nodes[$0 % 2].consumeTOTPStep(factorID: "factor-1", step: 42) }

        #expect(code.wins == 1 && code.errors.isEmpty, "\(code.errors)")
        #expect(token.wins == 1 && token.errors.isEmpty, "\(token.errors)")
        #expect(step.wins == 1 && step.errors.isEmpty, "\(step.errors)")
    }

    @Test
    func stepUpAndFactorConsumptions_holdAcrossTwoNodes() throws {
        let (fixture, other) = try Self.twoNodes()
        defer { other.close() }
        let nodes: [any Store] = [fixture.store, other]
        let store = fixture.store
        try Sample.seed(store)
        try store.insertFactor(Sample.factor())
        try store.insertFlow(Sample.flow())
        try store.insertChallenge(StoreContractTests.challenge())
        try store.insertTransactionGrant(StoreContractTests.transactionGrant())
        try store.insertTransactionGrant(StoreContractTests.transactionGrant())
        try store.insertWebAuthnCeremony(StoreContractTests.ceremony())
        try store.insertOneTimeCode(StoreContractTests.oneTimeCode(hash: [7]))
        try store.replaceRecoveryCodes(userID: "user-1", hashes: [[1], [2]], at: Sample.now)
        let session = Sample.sessionHash()

        let challenge = race(16) {
            try nodes[$0 % 2].completeChallenge(id: "ch-1", sessionIDHash: session, now: Sample.now) != nil
        }
        let grants = race(16) {
            try nodes[$0 % 2].consumeTransactionGrant(
                sessionIDHash: session,
                action: "transfer",
                transactionHash: "txn-hash",
                now: Sample.now
            )
        }
        let ceremony = race(16) {
            try nodes[$0 % 2].consumeWebAuthnCeremony(id: "cer-1", sessionIDHash: session, now: Sample.now) != nil
        }
        let recovery = race(16) { try nodes[$0 % 2].consumeRecoveryCode(userID: "user-1", hash: [1], now: Sample.now) }
        let failures = race(16) { try nodes[$0 % 2].recordFlowFailure(id: "flow-1", limit: 5, now: Sample.now) != nil }
        let answers = race(16) { index in
            let answer = try nodes[index % 2].answerOneTimeCode(
                sessionIDHash: session,
                factorID: "factor-1",
                codeHash: [7],
                maxAttempts: 3,
                now: Sample.now
            )
            if case .accepted = answer { return true }
            return false
        }

        for (name, outcome, wins) in [
            ("challenge", challenge, 1), ("grants", grants, 2), ("ceremony", ceremony, 1),
            ("recovery", recovery, 1), ("flow failures", failures, 5), ("one-time code", answers, 1),
        ] {
            #expect(outcome.wins == wins && outcome.errors.isEmpty, "\(name): \(outcome)")
        }
        #expect(try store.recoveryCodeCount(userID: "user-1") == RecoveryCodeCount(unused: 1, total: 2))
    }

    @Test
    func signingKeys_nodesStartingAtOnceCreateOneFirstKey_andRotationsLeaveOneCurrent() throws {
        let (fixture, other) = try Self.twoNodes()
        defer { other.close() }
        let nodes: [any Store] = [fixture.store, other]

        let first = race(16) { index in
            try nodes[index % 2].insertFirstSigningKey(Sample.signingKey("first-\(index)", createdAt: Sample.now))
        }
        let rotations = race(16) { index in
            let key = Sample.signingKey("next-\(index)", createdAt: Sample.at(Double(index)))
            try nodes[index % 2].rotateSigningKey(to: key)
            return true
        }

        #expect(first.wins == 1 && first.errors.isEmpty, "\(first)")
        #expect(rotations.wins == 16 && rotations.errors.isEmpty, "\(rotations)")
        let keys = try fixture.store.signingKeys()
        #expect(keys.count == 17)
        #expect(keys.filter { $0.retiredAt == nil }.count == 1)
    }

    @Test
    func init_twoNodesStartingAtOnceMigrateOnce() throws {
        let (schema, parameters) = try PostgresTestServer.freshSchema()
        defer { PostgresTestServer.dropSchema(schema) }

        let started = race(4) { _ in
            try PostgresStore(parameters, poolSize: 1).close()
            return true
        }
        let store = try PostgresStore(parameters, poolSize: 1)
        defer { store.close() }

        #expect(started.wins == 4 && started.errors.isEmpty, "\(started.errors)")
        #expect(try store.appliedMigrations() == PostgresMigration.all.map(\.version))
    }

    @Test
    func init_refusesASchemaNewerThanThisProgram() throws {
        let fixture = try StoreFixture(.postgres, poolSize: 1)
        let store = try #require(fixture.postgres)
        try store.withConnection { try $0.run("INSERT INTO schema_migrations VALUES (9999, 0)") }
        let (schema, parameters) = (try #require(fixture.schema), try PostgresTestServer.adminParameters())
        var same = parameters
        same.overrides["options"] = "-c search_path=" + schema

        let error = #expect(throws: StoreError.self) { try PostgresStore(same, poolSize: 1) }

        #expect(error?.code == .migration)
    }

    /// A fresh store, and a second store (a second node) on the same schema.
    private static func twoNodes() throws -> (StoreFixture, PostgresStore) {
        let fixture = try StoreFixture(.postgres)
        var shared = try PostgresTestServer.adminParameters()
        shared.overrides["options"] = "-c search_path=" + (try #require(fixture.schema))
        return (fixture, try PostgresStore(shared, poolSize: 4))
    }

    /// Ends the server process of one connection, as a restart or failover would, and waits
    /// until it is gone.
    private static func terminate(backend pid: Int32) throws {
        let admin = try PostgresConnection(PostgresTestServer.adminParameters())
        let ended = try admin.queryFirst(
            "SELECT pg_terminate_backend($1::integer, 5000)",
            [.integer(Int64(pid))]
        ) { try $0.bool(0) }
        #expect(ended == true)
    }

    /// A loopback port nothing listens on (bound and released again, so it was free a moment ago).
    private static func closedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw StoreError(.unavailable, "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
