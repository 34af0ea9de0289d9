import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateServer
import StepgateStore

/// The subcommands. Each parses its arguments, loads the configuration, and calls StepgateServer.
enum Commands {
    /// Flags every subcommand takes.
    static let common: Set<String> = ["config", "data"]

    static func configuration(_ arguments: Arguments, extra: [String: String] = [:], help: String) throws
        -> ServerConfiguration
    {
        var flags = extra
        if let data = try arguments.value("data", help: help) { flags["data_dir"] = data }
        let sources = ServerConfiguration.Sources(
            filePath: try arguments.value("config", help: help),
            environment: ProcessInfo.processInfo.environment,
            flags: flags
        )
        return try ServerConfiguration.load(sources)
    }

    static func serve(_ raw: [String]) throws {
        let help = Help.serve
        let arguments = try Arguments(raw, valued: common.union(["listen", "issuer"]), switches: ["demo"], help: help)
        if arguments.wantsHelp { return Output.print(help) }
        guard arguments.positionals.isEmpty else { throw UsageError("serve takes no positional arguments", help: help) }
        var flags: [String: String] = [:]
        if let listen = try arguments.value("listen", help: help) { flags["listen"] = listen }
        if let issuer = try arguments.value("issuer", help: help) { flags["issuer"] = issuer }
        if arguments.switches.contains("demo") { flags["demo"] = "true" }
        let configuration = try configuration(arguments, extra: flags, help: help)
        let logger = Logger(label: "stepgate", handler: JSONLinesLogHandler(), minimumLevel: configuration.logLevel)
        let service = try Service(configuration: configuration, logger: logger)
        try service.start()
        Output.error("stepgate: serving \(configuration.issuer) on \(configuration.listenHost):\(service.port)")
        SignalWaiter.waitForTermination()
        service.stop()
    }

    static func user(_ raw: [String]) throws {
        let help = Help.user
        let arguments = try Arguments(raw, valued: common, help: help)
        if arguments.wantsHelp { return Output.print(help) }
        guard arguments.positionals.count == 2 else {
            throw UsageError("expected: user add|password|disable NAME", help: help)
        }
        let (action, name) = (arguments.positionals[0], arguments.positionals[1])
        let admin = try openAdmin(arguments, help: help)
        switch action {
        case "add":
            guard let password = Input.readSecret(prompt: "Password for \(name): ") else {
                throw UsageError("expected the password on standard input", help: help)
            }
            try admin.addUser(name: name, password: password)
            Output.print("user \(name) added")
        case "password":
            guard let password = Input.readSecret(prompt: "New password for \(name): ") else {
                throw UsageError("expected the new password on standard input", help: help)
            }
            let result = try admin.setPassword(name: name, password: password)
            Output.print(
                "password of \(name) changed; \(result.sessionsEnded) sessions ended, "
                    + "\(result.refreshTokensRevoked) refresh tokens revoked"
            )
        case "disable":
            try admin.disableUser(name: name)
            Output.print("user \(name) disabled")
        default:
            throw UsageError("unknown user action '\(action)'", help: help)
        }
    }

    static func factor(_ raw: [String]) throws {
        let help = Help.factor
        let arguments = try Arguments(raw, valued: common.union(["secret"]), help: help)
        if arguments.wantsHelp { return Output.print(help) }
        guard arguments.positionals.count == 3, arguments.positionals[0] == "add" else {
            throw UsageError("expected: factor add NAME totp", help: help)
        }
        guard arguments.positionals[2] == "totp" else {
            throw UsageError("unknown factor kind '\(arguments.positionals[2])'; this version enrols totp", help: help)
        }
        var secret: [UInt8]?
        if let text = try arguments.value("secret", help: help) {
            guard let bytes = Base32.decode(text), !bytes.isEmpty else {
                throw UsageError("--secret: expected base32 (letters A-Z and digits 2-7)", help: help)
            }
            secret = bytes
        }
        let uri = try openAdmin(arguments, help: help).addTOTP(userName: arguments.positionals[1], secret: secret)
        Output.print(uri)
    }

    static func client(_ raw: [String]) throws {
        let help = Help.client
        let arguments = try Arguments(
            raw,
            valued: common.union(["redirect-uri"]),
            switches: ["public", "secret-stdin", "dpop"],
            help: help
        )
        if arguments.wantsHelp { return Output.print(help) }
        guard arguments.positionals.count == 2, arguments.positionals[0] == "add" else {
            throw UsageError("expected: client add ID --redirect-uri URI", help: help)
        }
        guard let redirectURIs = arguments.values["redirect-uri"], !redirectURIs.isEmpty else {
            throw UsageError("client add needs at least one --redirect-uri", help: help)
        }
        let isPublic = arguments.switches.contains("public")
        let fromStdin = arguments.switches.contains("secret-stdin")
        guard !(isPublic && fromStdin) else {
            throw UsageError("--public and --secret-stdin exclude each other", help: help)
        }
        var secret: String?
        if fromStdin {
            guard let text = Input.readSecret(prompt: "Client secret: ") else {
                throw UsageError("expected the client secret on standard input", help: help)
            }
            secret = text
        }
        let result = try openAdmin(arguments, help: help).addClient(
            id: arguments.positionals[1],
            redirectURIs: redirectURIs,
            confidential: !isPublic,
            secret: secret,
            requiresDPoP: arguments.switches.contains("dpop")
        )
        Output.print("client \(result.client.id) added (\(isPublic ? "public" : "confidential"))")
        if let generated = result.secret {
            Output.print("client secret (shown once): \(generated)")
        }
    }

    static func keys(_ raw: [String]) throws {
        let help = Help.keys
        let arguments = try Arguments(raw, valued: common, switches: ["force"], help: help)
        if arguments.wantsHelp { return Output.print(help) }
        guard arguments.positionals == ["rotate"] else { throw UsageError("expected: keys rotate", help: help) }
        let kid = try openAdmin(arguments, help: help).rotateKeys(force: arguments.switches.contains("force"))
        Output.print("new signing key \(kid); the previous key stays published until the next rotation")
    }

    /// Opens the configured database, which applies every pending migration, and closes it.
    static func migrate(_ raw: [String]) throws {
        let help = Help.migrate
        let arguments = try Arguments(raw, valued: common, help: help)
        if arguments.wantsHelp { return Output.print(help) }
        guard arguments.positionals.isEmpty else {
            throw UsageError("migrate takes no positional arguments", help: help)
        }
        let configuration = try configuration(arguments, help: help)
        let store = try Service.openStore(configuration, poolSize: 1)
        store.close()
        // The PostgreSQL location is shown without its password.
        let location = configuration.postgres.map { "postgres \($0.redacted)" } ?? configuration.databasePath
        Output.print("database schema up to date: \(location)")
    }

    private static func openAdmin(_ arguments: Arguments, help: String) throws -> Admin {
        let configuration = try configuration(arguments, help: help)
        let (store, masterKey) = try Service.open(configuration)
        return Admin(configuration: configuration, store: store, masterKey: masterKey)
    }
}
