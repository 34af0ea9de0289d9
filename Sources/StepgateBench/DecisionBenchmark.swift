import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateServer
import StepgateStore

/// The decision endpoint's handler alone, in process, one thread: what a decision costs Stepgate
/// without the network, for a signed-in `aal1` session under the demo bank's policy padded to
/// `actions` actions.
enum DecisionBenchmark {
    static func microsecondsPerDecision(seconds: Double, actions: Int = 50) throws -> Double {
        let directory = NSTemporaryDirectory() + "stepgate-bench-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = ServerConfiguration()
        configuration.issuer = "http://localhost:8000"
        configuration.dataDirectory = directory
        configuration.databasePath = directory + "/stepgate.db"
        configuration.masterKeyFile = directory + "/master.key"
        configuration.passwordCost = Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 1)
        configuration.policy = try Policy.load(policyText(actions: actions), assurance: configuration.assurance)
        let (store, masterKey) = try Service.open(configuration)
        let provider = try Provider(
            configuration: configuration,
            store: store,
            masterKey: masterKey,
            logger: Logger.discarding
        )
        let admin = Admin(configuration: configuration, store: store, masterKey: masterKey)
        let user = try admin.addUser(name: "bench", password: "bench password 123")
        let sessionID = SystemRandom().token(byteCount: 32)
        let now = Date()
        try store.insertSession(
            SessionRecord(
                idHash: SecretHash.hash(sessionID),
                userID: user.id,
                createdAt: now,
                lastSeenAt: now,
                expiresAt: now.addingTimeInterval(86_400),
                events: [SessionEventRecord(method: "pwd", time: now, level: "aal1")]
            )
        )
        let handler = provider.makeHandler()
        let request = HTTPRequest(
            method: .get,
            path: "/decide",
            headers: HTTPHeaders([
                ("Host", "127.0.0.1:8090"), ("X-Original-Method", "GET"), ("X-Original-URI", "/bank/"),
                ("X-Forwarded-Host", "localhost"), ("X-Real-IP", "127.0.0.1"),
                ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) bench"), ("Accept", "text/html"),
                ("Cookie", "stepgate_session=\(sessionID)"),
            ]),
            requestID: "bench"
        )
        guard handler(request).status == 200 else { throw BenchmarkError.unexpectedStatus }
        let perSecond = try StepgateBench.rate(seconds) {
            guard handler(request).status == 200 else { throw BenchmarkError.unexpectedStatus }
        }
        return 1e6 / perSecond
    }

    /// The demo bank's policy and `actions - 6` more, in the shape of a real API.
    static func policyText(actions: Int) throws -> String {
        let bank = try String(contentsOfFile: "examples/policy.conf", encoding: .utf8)
        var text = bank
        for number in 0..<max(0, actions - 6) {
            let method = ["GET", "POST", "PUT", "DELETE"][number % 4]
            text += "\n[action.extra\(number)]\nmethod = \(method)\npath = /api/r\(number % 13)/item\(number)/{id}\n"
            text += "level = aal\(1 + number % 2)\nrule = risk >= 50 -> level aal3\n"
        }
        return text
    }

    enum BenchmarkError: Error {
        case unexpectedStatus
    }
}
