import Foundation
import StepgateCore
import Testing

@testable import StepgateServer

@Suite struct ConfigurationTests {
    func load(_ text: String?, environment: [String: String] = [:], flags: [String: String] = [:]) throws
        -> ServerConfiguration
    {
        var path: String?
        if let text {
            path = NSTemporaryDirectory() + "stepgate-config-" + UUID().uuidString
            try text.write(toFile: path!, atomically: true, encoding: .utf8)
        }
        defer { if let path { try? FileManager.default.removeItem(atPath: path) } }
        return try ServerConfiguration.load(.init(filePath: path, environment: environment, flags: flags))
    }

    func problems(_ text: String?, environment: [String: String] = [:]) -> [String] {
        do {
            _ = try load(text, environment: environment)
            return []
        } catch {
            return (error as? ConfigurationError)?.problems ?? ["\(error)"]
        }
    }

    @Test func defaults_needNoFile() throws {
        let configuration = try load(nil)
        #expect(configuration.listenHost == "127.0.0.1")
        #expect(configuration.listenPort == 8080)
        #expect(configuration.issuer == "http://localhost:8080")
        #expect(configuration.databasePath == "data/stepgate.db")
        #expect(configuration.codeLifetime == 60)
        #expect(configuration.assurance.supportedACRValues == ["aal1", "aal2", "aal3"])
        #expect(configuration.assurance.level(named: "aal2")?.idleLifetime == 3_600)
    }

    @Test func file_withCommentsSectionsAndQuotes() throws {
        let configuration = try load(
            """
            # Stepgate
            listen = 127.0.0.1:9000   # comment after a value
            issuer = "https://id.example/"
            data_dir = /var/lib/stepgate

            [flow]
            lifetime = 2m
            max_attempts = 3

            [level.aal2]
            lifetime = 8h
            idle = 30m
            """
        )
        #expect(configuration.listenPort == 9000)
        #expect(configuration.issuer == "https://id.example")
        #expect(configuration.isSecure)
        #expect(configuration.databasePath == "/var/lib/stepgate/stepgate.db")
        #expect(configuration.flowLifetime == 120)
        #expect(configuration.flowMaxAttempts == 3)
        #expect(configuration.assurance.level(named: "aal2")?.absoluteLifetime == 28_800)
        #expect(configuration.assurance.level(named: "aal2")?.idleLifetime == 1_800)
    }

    @Test func environmentOverridesFile_andFlagsOverrideEnvironment() throws {
        let file = "listen = 127.0.0.1:9000\naccess_token.lifetime = 5m\n"
        let environment = ["STEPGATE_LISTEN": "127.0.0.1:9100", "STEPGATE_ACCESS_TOKEN_LIFETIME": "2m"]
        let configuration = try load(file, environment: environment, flags: ["listen": "127.0.0.1:9200"])
        #expect(configuration.listenPort == 9200)
        #expect(configuration.accessTokenLifetime == 120)
    }

    @Test func customLevels_areOrderedAndUsed() throws {
        let configuration = try load(
            """
            levels = basic strong
            default_acr = basic
            level.basic.methods = pwd
            level.strong.methods = pwd; otp
            level.strong.lifetime = 1h
            level.strong.idle = none
            """
        )
        #expect(configuration.assurance.supportedACRValues == ["basic", "strong"])
        #expect(configuration.assurance.level(named: "strong")?.idleLifetime == nil)
        #expect(configuration.defaultACR == "basic")
    }

    @Test func everyProblemIsReported_withKeyAndExpectation() {
        let found = problems(
            """
            listen = nowhere
            code.lifetime = 5m
            flow.max_attempts = many
            log.level = loud
            colour = blue
            this line is wrong
            """
        )
        #expect(found.count == 6)
        #expect(found.contains { $0.hasPrefix("listen") && $0.contains("HOST:PORT") })
        #expect(found.contains { $0.hasPrefix("code.lifetime") && $0.contains("at most 60") })
        #expect(found.contains { $0.hasPrefix("flow.max_attempts") && $0.contains("integer") })
        #expect(found.contains { $0.hasPrefix("log.level") })
        #expect(found.contains { $0.hasPrefix("colour") && $0.contains("unknown key") })
        #expect(found.contains { $0.contains("line 6") && $0.contains("key = value") })
    }

    @Test func secretValuesAreNeverEchoed() {
        let secret = "not-base64url!!secretvalue"
        let found = problems(nil, environment: ["STEPGATE_MASTER_KEY": secret, "STEPGATE_ISSUER": "ftp://\(secret)"])
        #expect(found.count == 2)
        #expect(!found.joined().contains(secret))
    }

    @Test(arguments: ["ftp://id.example", "https://id.example/auth", "https://id.example?x=1", "id.example", ""])
    func badIssuer_isAProblem(issuer: String) {
        #expect(problems(nil, environment: ["STEPGATE_ISSUER": issuer]).contains { $0.hasPrefix("issuer") })
    }

    @Test func duplicateKeys_andUnknownDefaultLevel_areProblems() {
        #expect(problems("listen = 127.0.0.1:1\nlisten = 127.0.0.1:2\n").contains { $0.contains("already set") })
        #expect(problems("default_acr = platinum\n").contains { $0.hasPrefix("default_acr") })
    }

    @Test func unreadableFile_isReported() {
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(.init(filePath: "/nonexistent/stepgate.conf"))
        }
    }
}

extension ConfigurationTests {
    @Test func database_postgresURLFromTheEnvironment_isParsedAndNeverEchoed() throws {
        let environment = ["STEPGATE_DATABASE": "postgres://stepgate:hunter2-secret@db.example:5432/stepgate"]
        let configuration = try ServerConfiguration.load(.init(filePath: nil, environment: environment, flags: [:]))

        #expect(configuration.postgres?.redacted == "user=stepgate dbname=stepgate host=db.example port=5432")
        #expect(configuration.databasePath == "data/stepgate.db")

        let broken = ["STEPGATE_DATABASE": "postgres://stepgate:hunter2-%zz@db.example/stepgate"]
        let error = #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.load(.init(filePath: nil, environment: broken, flags: [:]))
        }
        #expect(error?.problems.contains { $0.hasPrefix("database (environment STEPGATE_DATABASE)") } == true)
        #expect(error?.problems.contains { $0.contains("hunter2") } == false)
    }
}
