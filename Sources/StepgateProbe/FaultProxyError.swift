/// The fault proxy could not start or take a plan. Holds no traffic.
public struct FaultProxyError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case invalidPlan
            case invalidTarget
            case alreadyStarted
            case startFailed
            case threadFailed
        }

        private let kind: Kind

        /// The plan has values out of range; `detail` lists `FaultPlan.problems`.
        public static let invalidPlan = Code(kind: .invalidPlan)
        /// The target's host is empty or its port is outside 1 to 65535.
        public static let invalidTarget = Code(kind: .invalidTarget)
        /// `start()` was called on a running proxy.
        public static let alreadyStarted = Code(kind: .alreadyStarted)
        /// The listening socket or an event descriptor could not be made; `detail` has the errno.
        public static let startFailed = Code(kind: .startFailed)
        /// The system refused to start a thread.
        public static let threadFailed = Code(kind: .threadFailed)

        /// The code's name; safe to log.
        public var description: String { kind.rawValue }
    }

    /// What kind of failure.
    public let code: Code
    /// Internal detail for logs: an errno value or the plan's problems.
    public let detail: String
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    /// An error of `code`.
    public init(_ code: Code, _ detail: String = "", file: String = #fileID, line: Int = #line) {
        self.code = code
        self.detail = detail
        self.file = file
        self.line = line
    }

    public var description: String {
        detail.isEmpty ? "FaultProxyError(\(code))" : "FaultProxyError(\(code): \(detail))"
    }
}
