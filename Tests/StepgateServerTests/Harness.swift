import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import Testing

@testable import StepgateServer

/// A provider over a fresh SQLite file, a test clock and captured logs, with a user `alice`
/// (password and TOTP), a public client `app` and a confidential client `rp`.
final class Harness: @unchecked Sendable {  // Only used from one test at a time.
    static let password = "correct horse battery staple"
    static let totpSecret: [UInt8] = Array("12345678901234567890".utf8)
    static let rpSecret = "rp-secret-0123456789-0123456789-0123456789"
    static let redirectURI = "https://app.example/cb"

    let clock = InsecureTestClock(Date(timeIntervalSince1970: 1_800_000_000))
    let logs = InMemoryLogHandler()
    let directory: String
    /// The SQLite store, or the PostgreSQL one when `configure` sets `postgres`.
    let store: any Store
    let configuration: ServerConfiguration
    let provider: Provider
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    let admin: Admin
    let alice: UserRecord

    init(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        directory = NSTemporaryDirectory() + "stepgate-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = ServerConfiguration()
        configuration.issuer = "https://id.example"
        configuration.dataDirectory = directory
        configuration.databasePath = directory + "/stepgate.db"
        configuration.masterKeyFile = directory + "/master.key"
        configuration.passwordCost = Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 1)
        configure(&configuration)
        self.configuration = configuration
        let (store, masterKey) = try Service.open(configuration)
        self.store = store
        let logger = Logger(label: "test", handler: logs, minimumLevel: .trace)
        provider = try Provider(
            configuration: configuration,
            store: store,
            masterKey: masterKey,
            clock: clock,
            logger: logger
        )
        handler = provider.makeHandler()
        admin = Admin(configuration: configuration, store: store, masterKey: masterKey, clock: clock)
        alice = try admin.addUser(name: "alice", password: Self.password)
        _ = try admin.addTOTP(userName: "alice", secret: Self.totpSecret)
        _ = try admin.addClient(id: "app", redirectURIs: [Self.redirectURI], confidential: false, secret: nil)
        _ = try admin.addClient(id: "rp", redirectURIs: [Self.redirectURI], confidential: true, secret: Self.rpSecret)
    }

    deinit {
        store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The TOTP code for the test clock's current time, `offset` steps away.
    func totp(offset: Int64 = 0) -> String {
        let totp = TOTP(secret: Self.totpSecret)
        return totp.code(step: totp.step(at: clock.now) + offset)
    }

    /// A new browser with its own cookie jar.
    func browser() -> Browser { Browser(handler: handler) }

    /// Everything stored, to prove a rejected request changed nothing.
    func snapshot() throws -> [UInt8] {
        if let postgres = store as? PostgresStore { return try postgres.stateDump() }
        return try (store as? SQLiteStore)?.stateDump() ?? []
    }

    /// Every secret a test used, for log-hygiene checks.
    func assertLogsHold(none secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let text = logs.text
        for secret in secrets where !secret.isEmpty {
            #expect(!text.contains(secret), "a secret reached the log", sourceLocation: sourceLocation)
        }
    }
}

/// A client with a cookie jar that talks to the provider in process.
struct Browser {
    let handler: @Sendable (HTTPRequest) -> HTTPResponse
    var cookies: [String: String] = [:]
    /// The connection's peer address the requests arrive from; nil is in-process, as if from a
    /// trusted proxy.
    var peer: String?

    mutating func send(
        _ method: HTTPMethod,
        _ target: String,
        form: [(String, String)]? = nil,
        json: JSONValue? = nil,
        headers: [(String, String)] = []
    ) -> HTTPResponse {
        let parts = target.split(separator: "?", maxSplits: 1)
        var all = headers
        // One browser build throughout, as a real browser would send: the device fingerprint
        // then matches between sign-in and decisions.
        if !all.contains(where: { $0.0.lowercased() == "user-agent" }) { all.append(("User-Agent", "TestBrowser/1.0")) }
        if !cookies.isEmpty {
            all.append(("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        var body: [UInt8] = []
        if let form {
            all.append(("Content-Type", "application/x-www-form-urlencoded"))
            body = Array(Self.encode(form).utf8)
        }
        if let json {
            all.append(("Content-Type", "application/json"))
            body = json.serialized()
        }
        let response = handler(
            HTTPRequest(
                method: method,
                path: String(parts[0]),
                query: parts.count > 1 ? String(parts[1]) : "",
                headers: HTTPHeaders(all),
                body: body,
                remoteAddress: peer,
                requestID: "test"
            )
        )
        for header in response.headers.values("Set-Cookie") {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return response
    }

    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\($0)=\(AuthorizationRequest.percentEncode($1))" }.joined(separator: "&")
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
    var location: String? { headers["Location"] }
    var jsonBody: JSONValue? { try? JSONValue.parse(body) }

    /// The value of the hidden field `name` in an HTML form.
    func hiddenField(_ name: String) -> String? {
        guard let range = text.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = text[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

/// The query parameters of a redirect `location`.
func queryParameters(_ location: String) -> [String: String] {
    guard let query = location.split(separator: "?", maxSplits: 1).dropFirst().first,
        let form = try? FormData.parse(Array(query.utf8))
    else { return [:] }
    var out: [String: String] = [:]
    for (name, value) in form.fields where out[name] == nil { out[name] = value }
    return out
}
