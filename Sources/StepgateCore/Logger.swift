public import Foundation
import Synchronization

/// How much a log entry matters, lowest first.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case trace
    case debug
    case info
    /// Security outcomes: step-up denied, lockout, refresh-token reuse.
    case notice
    case warning
    case error

    public var name: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Metadata keys, dotted; the only keys log entries use.
///
/// Never put a secret under any key: passwords, codes, seeds, tokens, cookies, session IDs,
/// query strings and bodies stay out of logs entirely.
public enum LogKey {
    public static let requestID = "request.id"
    public static let method = "http.method"
    public static let route = "http.route"
    public static let status = "http.status"
    public static let durationMS = "http.duration_ms"
    public static let clientID = "oidc.client_id"
    public static let grantType = "oidc.grant_type"
    public static let acr = "oidc.acr"
    public static let subject = "user.id"
    public static let userName = "user.name"
    public static let stepupMethod = "stepup.method"
    public static let reason = "reason"
    public static let error = "error"
    public static let kid = "jose.kid"
    public static let flowID = "flow.id"
    public static let action = "policy.action"
    public static let listen = "server.listen"
    public static let issuer = "server.issuer"
    public static let component = "component"
    public static let count = "count"
    public static let auditKind = "audit.kind"
    public static let messageID = "message.id"
    public static let channel = "message.channel"
    public static let purpose = "message.purpose"
    public static let attempt = "message.attempt"
    /// What a rate limit counts: `ip`, `account` or `decide`.
    public static let rateLimitScope = "rate_limit.scope"
    /// A short keyed fingerprint of a rate-limit key; never the address or the name.
    public static let rateLimitKey = "rate_limit.key"
    /// The connection's peer address, logged only when a caller is refused for not being a
    /// trusted proxy (the operator needs it to fix `http.trusted_proxies`).
    public static let peerAddress = "net.peer.address"
}

/// One log entry: a fixed phrase and its structured data.
public struct LogEntry: Sendable {
    public var time: Date
    public var level: LogLevel
    public var label: String
    /// A fixed phrase; never interpolated. Data goes in `metadata`.
    public var message: String
    public var metadata: [String: String]
}

/// Where log entries go.
public protocol LogHandler: Sendable {
    func write(_ entry: LogEntry)
}

/// A logger passed to whoever needs one; libraries never build their own.
///
/// Messages are `StaticString`, so a value cannot be interpolated into one by accident.
public struct Logger: Sendable {
    public let label: String
    public let minimumLevel: LogLevel
    private let handler: any LogHandler
    private let baseMetadata: [String: String]

    public init(label: String, handler: any LogHandler, minimumLevel: LogLevel = .info) {
        self.label = label
        self.handler = handler
        self.minimumLevel = minimumLevel
        self.baseMetadata = [:]
    }

    private init(copying other: Logger, metadata: [String: String]) {
        self.label = other.label
        self.handler = other.handler
        self.minimumLevel = other.minimumLevel
        self.baseMetadata = metadata
    }

    /// A logger that adds `metadata` to every entry.
    public func with(_ metadata: [String: String]) -> Logger {
        Logger(copying: self, metadata: baseMetadata.merging(metadata) { _, new in new })
    }

    /// A logger that discards everything.
    public static let discarding = Logger(label: "discard", handler: DiscardingLogHandler(), minimumLevel: .error)

    public func log(_ level: LogLevel, _ message: StaticString, _ metadata: [String: String] = [:]) {
        guard level >= minimumLevel else { return }
        let merged = baseMetadata.isEmpty ? metadata : baseMetadata.merging(metadata) { _, new in new }
        handler.write(
            LogEntry(time: Date(), level: level, label: label, message: "\(message)", metadata: merged)
        )
    }

    public func trace(_ message: StaticString, _ metadata: [String: String] = [:]) { log(.trace, message, metadata) }
    public func debug(_ message: StaticString, _ metadata: [String: String] = [:]) { log(.debug, message, metadata) }
    public func info(_ message: StaticString, _ metadata: [String: String] = [:]) { log(.info, message, metadata) }
    public func notice(_ message: StaticString, _ metadata: [String: String] = [:]) { log(.notice, message, metadata) }
    public func warning(_ message: StaticString, _ metadata: [String: String] = [:]) {
        log(.warning, message, metadata)
    }
    public func error(_ message: StaticString, _ metadata: [String: String] = [:]) { log(.error, message, metadata) }
}

/// Drops every entry.
public struct DiscardingLogHandler: LogHandler {
    public init() {}
    public func write(_ entry: LogEntry) {}
}

/// Keeps entries in memory, for tests that check what was logged and that no secret was.
public final class InMemoryLogHandler: LogHandler {
    private let storage = Mutex<[LogEntry]>([])

    public init() {}

    public func write(_ entry: LogEntry) {
        storage.withLock { $0.append(entry) }
    }

    public var entries: [LogEntry] { storage.withLock { $0 } }

    /// Every message and metadata value, one entry per line, for substring checks.
    public var text: String {
        entries.map { entry in
            ([entry.message] + entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
                .joined(separator: " ")
        }.joined(separator: "\n")
    }
}
