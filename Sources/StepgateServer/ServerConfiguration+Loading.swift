import Foundation
import StepgateCore
import StepgateCrypto
import StepgateStore

extension ServerConfiguration {
    /// Where a command found its settings: a file path, the environment, and flags by key.
    public struct Sources: Sendable {
        public var filePath: String?
        public var environment: [String: String]
        /// Flag values by configuration key, such as `listen` for `--listen`.
        public var flags: [String: String]

        public init(filePath: String? = nil, environment: [String: String] = [:], flags: [String: String] = [:]) {
            self.filePath = filePath
            self.environment = environment
            self.flags = flags
        }
    }

    /// Loads defaults, then the file, the environment and the flags; reports every problem at once.
    ///
    /// Values are never echoed in problems (one of them may be a key); each problem names the key,
    /// where it came from, and what was expected.
    public static func load(_ sources: Sources) throws(ConfigurationError) -> ServerConfiguration {
        var reader = ConfigReader()
        if let path = sources.filePath {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(problems: ["config file \(path): cannot be read"])
            }
            guard let text = String(bytes: data, encoding: .utf8) else {
                throw ConfigurationError(problems: ["config file \(path): is not UTF-8 text"])
            }
            let (file, problems) = ConfigFile.parse(text)
            reader.problems += problems.map { "config file \(path): \($0)" }
            for entry in file.entries {
                reader.values[entry.key] = (entry.value, "\(path) line \(entry.line)")
            }
        }
        reader.environment = sources.environment
        for (key, value) in sources.flags {
            reader.values[key] = (value, "flag --\(key.replacingOccurrences(of: ".", with: "-"))")
        }
        let config = reader.build()
        guard reader.problems.isEmpty else { throw ConfigurationError(problems: reader.problems) }
        return config
    }
}

/// Reads typed keys from layered values and collects problems.
struct ConfigReader {
    var values: [String: (value: String, origin: String)] = [:]
    var environment: [String: String] = [:]
    var problems: [String] = []
    private var used: Set<String> = []

    static func environmentName(_ key: String) -> String {
        "STEPGATE_" + key.uppercased().replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    /// The raw value of `key`: a flag wins over the environment, which wins over the file.
    mutating func raw(_ key: String) -> (value: String, origin: String)? {
        used.insert(key)
        if let flagged = values[key], flagged.origin.hasPrefix("flag") { return flagged }
        let name = Self.environmentName(key)
        if let value = environment[name] { return (value, "environment \(name)") }
        return values[key]
    }

    mutating func string(_ key: String, into target: inout String) {
        if let (value, _) = raw(key) { target = value }
    }

    mutating func integer(_ key: String, range: ClosedRange<Int>, into target: inout Int) {
        guard let (value, origin) = raw(key) else { return }
        guard let number = Int(value), range.contains(number) else {
            problems.append("\(key) (\(origin)): expected an integer from \(range.lowerBound) to \(range.upperBound)")
            return
        }
        target = number
    }

    mutating func duration(_ key: String, maximum: TimeInterval? = nil, into target: inout TimeInterval) {
        guard let (value, origin) = raw(key) else { return }
        guard let seconds = try? DurationText.parse(value), seconds > 0 else {
            problems.append("\(key) (\(origin)): expected a positive duration such as 90s, 15m, 24h or 30d")
            return
        }
        if let maximum, seconds > maximum {
            problems.append("\(key) (\(origin)): expected at most \(Int(maximum)) seconds")
            return
        }
        target = seconds
    }

    mutating func boolean(_ key: String, into target: inout Bool) {
        guard let (value, origin) = raw(key) else { return }
        switch value.lowercased() {
        case "true", "yes", "on", "1": target = true
        case "false", "no", "off", "0": target = false
        default: problems.append("\(key) (\(origin)): expected true or false")
        }
    }

    mutating func build() -> ServerConfiguration {
        var config = ServerConfiguration()
        readListen(into: &config)
        config.issuer = "http://localhost:\(config.listenPort)"
        readIssuer(into: &config)
        readPaths(into: &config)
        readLimits(into: &config)
        readLevels(into: &config)
        readDecisions(into: &config)
        readDelivery(into: &config.delivery)
        readFactors(into: &config)
        readRateLimits(into: &config.rateLimits)
        var level = "info"
        string("log.level", into: &level)
        if let parsed = LogLevel.allCases.first(where: { $0.name == level }) {
            config.logLevel = parsed
        } else {
            problems.append("log.level: expected one of trace, debug, info, notice, warning, error")
        }
        boolean("demo", into: &config.demo)
        for key in values.keys.sorted() where !used.contains(key) {
            problems.append("\(key) (\(values[key]!.origin)): unknown key")
        }
        return config
    }

    private mutating func readListen(into config: inout ServerConfiguration) {
        if let address = address("listen") {
            config.listenHost = address.host
            config.listenPort = address.port
        }
        config.demoBankListen = address("demo.bank_listen")
    }

    /// A HOST:PORT value; an empty host means every address.
    private mutating func address(_ key: String) -> (host: String, port: Int)? {
        guard let (value, origin) = raw(key) else { return nil }
        guard let colon = value.lastIndex(of: ":"),
            let port = Int(value[value.index(after: colon)...]), (0...65_535).contains(port)
        else {
            problems.append("\(key) (\(origin)): expected HOST:PORT with a port from 0 to 65535")
            return nil
        }
        var host = String(value[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    private mutating func readIssuer(into config: inout ServerConfiguration) {
        guard let (value, origin) = raw("issuer") else { return }
        let trimmed = value.hasSuffix("/") ? String(value.dropLast()) : value
        guard let url = URL(string: trimmed), let scheme = url.scheme, scheme == "https" || scheme == "http",
            url.host != nil, url.query == nil, url.fragment == nil, url.user == nil, url.path.isEmpty
        else {
            problems.append("issuer (\(origin)): expected an http or https URL without path, query or fragment")
            return
        }
        config.issuer = trimmed
    }

    private mutating func readPaths(into config: inout ServerConfiguration) {
        string("data_dir", into: &config.dataDirectory)
        config.databasePath = config.dataDirectory + "/stepgate.db"
        config.masterKeyFile = config.dataDirectory + "/master.key"
        if let (value, origin) = raw("database") {
            if PostgresParameters.isConnectionString(value) {
                do {
                    config.postgres = try PostgresParameters(value)
                } catch {
                    // The value is not echoed: it may hold the password.
                    problems.append("database (\(origin)): the PostgreSQL URL does not parse")
                }
            } else {
                config.databasePath = value
            }
        }
        string("master_key_file", into: &config.masterKeyFile)
        used.insert("master_key")
        if let value = environment["STEPGATE_MASTER_KEY"] {
            if let key = Base64URL.decode(value), key.count == 32 {
                config.masterKeyFromEnvironment = key
            } else {
                problems.append("master key (environment STEPGATE_MASTER_KEY): expected 32 bytes in base64url")
            }
        }
    }

    private mutating func readLimits(into config: inout ServerConfiguration) {
        var memory = Int(config.passwordCost.memoryKiB)
        var iterations = Int(config.passwordCost.iterations)
        var parallelism = Int(config.passwordCost.parallelism)
        integer("password.memory_kib", range: 64...4_194_304, into: &memory)
        integer("password.iterations", range: 1...64, into: &iterations)
        integer("password.parallelism", range: 1...16, into: &parallelism)
        config.passwordCost = Argon2Parameters(
            memoryKiB: UInt32(memory),
            iterations: UInt32(iterations),
            parallelism: UInt32(parallelism)
        )
        duration("session.lifetime", into: &config.sessionLifetime)
        duration("flow.lifetime", into: &config.flowLifetime)
        integer("flow.max_attempts", range: 1...100, into: &config.flowMaxAttempts)
        integer("account.max_failures", range: 1...10_000, into: &config.accountMaxFailures)
        duration("account.failure_window", into: &config.accountFailureWindow)
        duration("code.lifetime", maximum: 60, into: &config.codeLifetime)
        duration("access_token.lifetime", into: &config.accessTokenLifetime)
        duration("id_token.lifetime", into: &config.idTokenLifetime)
        duration("refresh_token.lifetime", into: &config.refreshTokenLifetime)
        integer("http.threads", range: 1...256, into: &config.httpThreads)
        integer("http.max_body_bytes", range: 1_024...16_777_216, into: &config.maxBodyBytes)
        integer("http.max_header_bytes", range: 4_096...1_048_576, into: &config.maxHeaderBytes)
        duration("http.connection_timeout", into: &config.connectionTimeout)
        networks("http.trusted_proxies", allowsNone: true, into: &config.trustedProxies)
    }

    private mutating func readLevels(into config: inout ServerConfiguration) {
        var names = config.assurance.levels.map(\.name).joined(separator: " ")
        string("levels", into: &names)
        let standard = AssurancePolicy.standard
        var levels: [AssuranceLevel] = []
        for (rank, name) in names.split(separator: " ").map(String.init).enumerated() {
            let base = standard.level(named: name)
            var lifetime = base?.absoluteLifetime ?? 86_400
            duration("level.\(name).lifetime", into: &lifetime)
            var idle = base?.idleLifetime
            if let (value, origin) = raw("level.\(name).idle") {
                if value == "none" {
                    idle = nil
                } else if let seconds = try? DurationText.parse(value), seconds > 0 {
                    idle = seconds
                } else {
                    problems.append("level.\(name).idle (\(origin)): expected a positive duration or none")
                }
            }
            var requirement = base?.requirement
            if let (value, origin) = raw("level.\(name).methods") {
                let groups = value.split(separator: ";").map { group in
                    Set(group.split(separator: " ").map { AuthenticationMethod(rawValue: String($0)) })
                }
                if groups.isEmpty || groups.contains(where: \.isEmpty) {
                    problems.append("level.\(name).methods (\(origin)): expected groups like \"pwd; otp hwk\"")
                } else {
                    requirement = groups
                }
            }
            guard let requirement else {
                problems.append("level.\(name).methods: required for a level that is not built in")
                continue
            }
            levels.append(
                AssuranceLevel(
                    name: name,
                    rank: rank + 1,
                    requirement: requirement,
                    absoluteLifetime: lifetime,
                    idleLifetime: idle
                )
            )
        }
        do {
            config.assurance = try AssurancePolicy(levels: levels)
        } catch {
            problems.append("levels: \(error)")
        }
        string("default_acr", into: &config.defaultACR)
        if config.assurance.level(named: config.defaultACR) == nil {
            problems.append("default_acr: expected one of the configured levels")
        }
    }
}
