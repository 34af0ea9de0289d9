internal import CMaxMindDB

/// Why a geolocation database could not be opened or read; safe to log (it holds a path and
/// libmaxminddb's fixed error text, never request data).
public struct GeoDatabaseError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case unreadable
            case invalidFile
        }

        private let kind: Kind

        /// The file could not be opened, mapped or read (missing, permissions, out of memory).
        public static let unreadable = Code(kind: .unreadable)
        /// The file is not a usable MaxMind DB file, or its tree or data is corrupt.
        public static let invalidFile = Code(kind: .invalidFile)

        /// The code's name; safe to log.
        public var description: String { kind.rawValue }
    }

    /// What kind of failure.
    public let code: Code
    /// What was being done and libmaxminddb's explanation, for logs.
    public let detail: String
    /// libmaxminddb's status code (`MMDB_*_ERROR`).
    public let engineCode: Int32
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    init(status: Int32, _ operation: String, file: String = #fileID, line: Int = #line) {
        switch status {
        case MMDB_FILE_OPEN_ERROR, MMDB_IO_ERROR, MMDB_OUT_OF_MEMORY_ERROR: code = .unreadable
        default: code = .invalidFile
        }
        // Safety: MMDB_strerror returns a static string for every status.
        detail = operation + ": " + String(cString: MMDB_strerror(status))
        engineCode = status
        self.file = file
        self.line = line
    }

    /// `GeoDatabaseError.code: detail (file:line)`; internal, for logs.
    public var description: String { "GeoDatabaseError.\(code): \(detail) (\(file):\(line))" }
}
