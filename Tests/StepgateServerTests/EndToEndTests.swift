import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import Testing

@testable import StepgateServer

/// Drives a real server over loopback HTTP, as an ordinary client and browser would.
@Suite struct EndToEndTests {
    /// A running service on a free loopback port, with a user, a TOTP factor and a public client.
    final class Running: @unchecked Sendable {  // Used from one test at a time.
        static let totpSecret = Array("e2e-secret-0123456789".utf8)
        static let password = "e2e password 123"
        static let redirectURI = "http://localhost:9/cb"

        let directory = NSTemporaryDirectory() + "stepgate-e2e-" + UUID().uuidString
        let logs = InMemoryLogHandler()
        let service: Service
        let base: String
        let client = HTTPClient()
        var cookies: [String: String] = [:]

        init() throws {
            let port = try freeLoopbackPort()
            var configuration = ServerConfiguration()
            configuration.listenPort = port
            configuration.issuer = "http://127.0.0.1:\(port)"
            configuration.dataDirectory = directory
            configuration.databasePath = directory + "/stepgate.db"
            configuration.masterKeyFile = directory + "/master.key"
            configuration.passwordCost = Argon2Parameters(memoryKiB: 64, iterations: 1, parallelism: 1)
            configuration.maxBodyBytes = 4_096
            service = try Service(
                configuration: configuration,
                logger: Logger(label: "e2e", handler: logs, minimumLevel: .trace)
            )
            let (store, masterKey) = try Service.open(configuration)
            let admin = Admin(configuration: configuration, store: store, masterKey: masterKey)
            try admin.addUser(name: "erin", password: Self.password)
            _ = try admin.addTOTP(userName: "erin", secret: Self.totpSecret)
            _ = try admin.addClient(id: "e2e", redirectURIs: [Self.redirectURI], confidential: false, secret: nil)
            base = configuration.issuer
            try service.start()
        }

        deinit {
            service.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }

        func send(_ method: HTTPMethod, _ url: String, form: [(String, String)]? = nil, raw: [UInt8]? = nil) throws
            -> HTTPClientResponse
        {
            var headers: [(String, String)] = []
            if !cookies.isEmpty {
                headers.append(("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
            }
            var body: [UInt8] = raw ?? []
            if let form {
                headers.append(("Content-Type", "application/x-www-form-urlencoded"))
                body = Array(Browser.encode(form).utf8)
            }
            let target = url.hasPrefix("/") ? base + url : url
            let response = try client.send(HTTPClientRequest(method: method, url: target, headers: headers, body: body))
            for header in response.headers.values("Set-Cookie") {
                let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) }
            }
            return response
        }
    }

    @Test func codeFlowWithPKCE_forAAL2_verifiesAgainstPublishedJWKS() throws {
        let server = try Running()
        let discovery = try JSONValue.parse(try server.send(.get, "/.well-known/openid-configuration").body)
        let verifier = Base64URL.encode(SystemRandom().bytes(32))
        let state = Base64URL.encode(SystemRandom().bytes(12))
        let nonce = Base64URL.encode(SystemRandom().bytes(12))
        let query = Browser.encode([
            ("response_type", "code"), ("client_id", "e2e"), ("redirect_uri", Running.redirectURI),
            ("scope", "openid"), ("state", state), ("nonce", nonce), ("acr_values", "aal2"),
            ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"),
        ])

        let start = try server.send(.get, (discovery["authorization_endpoint"]?.stringValue ?? "") + "?" + query)
        #expect(start.status == 303)
        let loginPage = try server.send(.get, start.headers["Location"] ?? "")
        #expect(loginPage.status == 200)
        #expect(loginPage.headers["Content-Security-Policy"]?.contains("frame-ancestors 'none'") == true)
        #expect(loginPage.headers["Referrer-Policy"] == "no-referrer")
        #expect(loginPage.headers["Cache-Control"] == "no-store")
        let page = HTTPResponse(status: 200, body: loginPage.body)
        let hidden = ["flow", "csrf", "step"].compactMap { name in page.hiddenField(name).map { (name, $0) } }
        let otpResponse = try server.send(
            .post,
            "/login",
            form: hidden + [("username", "erin"), ("password", Running.password)]
        )
        let otpPage = HTTPResponse(status: 200, body: otpResponse.body)
        #expect(otpPage.hiddenField("step") == "otp")
        let code = TOTP(secret: Running.totpSecret).code(at: Date())
        let carried = ["flow", "csrf", "step"].compactMap { name in otpPage.hiddenField(name).map { (name, $0) } }
        let done = try server.send(.post, "/login", form: carried + [("otp", code)])
        #expect(done.status == 303)
        let location = try #require(done.headers["Location"])
        #expect(location.hasPrefix(Running.redirectURI))
        #expect(queryParameters(location)["state"] == state)

        let tokenResponse = try server.send(
            .post,
            discovery["token_endpoint"]?.stringValue ?? "",
            form: [
                ("grant_type", "authorization_code"), ("code", queryParameters(location)["code"] ?? ""),
                ("redirect_uri", Running.redirectURI), ("client_id", "e2e"), ("code_verifier", verifier),
            ]
        )
        #expect(tokenResponse.status == 200)
        let tokens = try JSONValue.parse(tokenResponse.body)
        let jwks = try JWKSet(
            json: try JSONValue.parse(try server.send(.get, discovery["jwks_uri"]?.stringValue ?? "").body)
        )
        let idToken = try JWS.verify(tokens["id_token"]?.stringValue ?? "", keys: { jwks.key(kid: $0)?.publicKey })
        let claims = try JSONValue.parse(idToken.payload)
        #expect(claims["iss"]?.stringValue == server.base)
        #expect(claims["aud"] == "e2e")
        #expect(claims["nonce"]?.stringValue == nonce)
        #expect(claims["acr"] == "aal2")
        #expect(claims["amr"] == ["pwd", "otp", "mfa"])
        #expect(claims["auth_time"]?.integerValue != nil)

        let secrets =
            [
                Running.password, code, verifier, queryParameters(location)["code"] ?? "",
                tokens["access_token"]?.stringValue ?? "", tokens["refresh_token"]?.stringValue ?? "",
                tokens["id_token"]?.stringValue ?? "",
            ] + Array(server.cookies.values) + [hidden.first { $0.0 == "csrf" }?.1 ?? ""]
        let logged = server.logs.text
        for secret in secrets where secret.count >= 6 {
            #expect(!logged.contains(secret), "a secret reached the log")
        }
        #expect(logged.contains("tokens issued"))
    }

    @Test func oversizedBody_is413_andMalformedBody_is400() throws {
        let server = try Running()
        let big = try server.send(.post, "/token", raw: [UInt8](repeating: UInt8(ascii: "a"), count: 8_192))
        #expect(big.status == 413)
        let malformed = try server.send(.post, "/token", form: [("grant_type", "authorization_code")])
        #expect(malformed.status == 401 || malformed.status == 400)
        let garbage = try server.send(.post, "/api/login", raw: Array("{\"flow\":".utf8))
        #expect(garbage.status == 400)
    }
}

/// A loopback port that was free a moment ago.
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0 else { throw ServerError.startup("no free port") }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
