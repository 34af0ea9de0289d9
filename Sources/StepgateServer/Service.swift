import Foundation
public import StepgateCore
public import StepgateCrypto
import StepgateHTTP
public import StepgateStore

/// A running Stepgate: the store, the master key, the provider and the HTTP server, put together.
public final class Service: Sendable {
    public let provider: Provider
    public let store: any Store
    private let server: HTTPServer
    /// The demo bank's own server, with `demo` on and `demo.bank_listen` set.
    private let bankServer: HTTPServer?
    private let logger: Logger

    /// Opens (or creates) the data folder, the database and the master key, and prepares the server.
    public init(
        configuration: ServerConfiguration,
        logger: Logger,
        clock: any Clock = SystemClock(),
        random: any RandomSource = SystemRandom()
    ) throws {
        let (store, masterKey) = try Self.open(configuration, random: random)
        self.store = store
        self.logger = logger
        self.provider = try Provider(
            configuration: configuration,
            store: store,
            masterKey: masterKey,
            clock: clock,
            random: random,
            logger: logger
        )
        var http = HTTPServer.Configuration()
        http.host = configuration.listenHost
        http.port = configuration.listenPort
        http.threadPoolSize = configuration.httpThreads
        http.maxBodyBytes = configuration.maxBodyBytes
        http.maxHeaderBytes = configuration.maxHeaderBytes
        http.connectionTimeoutSeconds = Int(configuration.connectionTimeout)
        http.strictTransportSecurity = configuration.isSecure
        self.server = HTTPServer(configuration: http, logger: logger, handler: provider.makeHandler())
        if configuration.demo, let bank = configuration.demoBankListen {
            var bankHTTP = http
            bankHTTP.host = bank.host
            bankHTTP.port = bank.port
            let handler = DemoBank(random: random, clock: clock).makeHandler()
            self.bankServer = HTTPServer(configuration: bankHTTP, logger: logger, handler: handler)
        } else {
            self.bankServer = nil
        }
    }

    /// Opens the store and the master key named by `configuration`, creating the data folder
    /// (the master key file lives there whichever database is used).
    public static func open(_ configuration: ServerConfiguration, random: any RandomSource = SystemRandom()) throws
        -> (any Store, MasterKey)
    {
        try createDataDirectory(configuration)
        let masterKey = try MasterKey.load(configuration, random: random)
        let store = try openStore(configuration)
        return (store, masterKey)
    }

    /// Opens the configured database, migrating its schema: PostgreSQL when `database` is a
    /// `postgres://` URL, else the SQLite file (its folder is created if missing).
    ///
    /// PostgreSQL gets a pool of `http.threads` + 2 connections (at least 4), so that every
    /// worker thread, the delivery worker and the audit writer can hold one at once; SQLite
    /// keeps its default pool. Throws `StoreError(.unavailable)` when the database cannot be
    /// reached and `StoreError(.migration)` when its schema cannot be brought up to date.
    public static func openStore(_ configuration: ServerConfiguration, poolSize: Int? = nil) throws -> any Store {
        if let postgres = configuration.postgres {
            return try PostgresStore(postgres, poolSize: poolSize ?? max(4, configuration.httpThreads + 2))
        }
        try createDataDirectory(configuration)
        return try SQLiteStore(path: configuration.databasePath, poolSize: poolSize ?? 4)
    }

    private static func createDataDirectory(_ configuration: ServerConfiguration) throws {
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700]
        )
    }

    /// Binds the port and starts serving.
    public func start() throws {
        try server.start()
        try bankServer?.start()
        provider.deliveryWorker.start()
        provider.pruner.start()
        logger.info("server started", [LogKey.issuer: provider.configuration.issuer])
    }

    /// The bound port (useful when the configuration asked for port 0).
    public var port: Int { server.port }

    /// Stops accepting connections, lets requests in flight finish, lets the delivery worker
    /// finish its current batch and the pruner its current batch of deletes, writes the queued
    /// audit records, then stops.
    public func stop() {
        bankServer?.stop()
        server.stop()
        provider.deliveryWorker.stop()
        provider.pruner.stop()
        provider.auditLog.close()
        logger.info("server stopped")
    }
}
