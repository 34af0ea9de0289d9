/// Why a TOTP code was rejected.
///
/// Every code shares one public face (`publicMessage`), so a client cannot tell a malformed
/// code from a wrong or replayed one. `detail` is for logs only and never holds the code.
public struct TOTPError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, for logs and metrics; never shown to the user.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case malformed
            case mismatch
            case replayed
        }

        private let kind: Kind

        /// The code is not exactly the configured number of ASCII digits.
        public static let malformed = Code(kind: .malformed)
        /// The code matches no step in the accepted window.
        public static let mismatch = Code(kind: .mismatch)
        /// The code matches only steps already used: a replay.
        public static let replayed = Code(kind: .replayed)

        /// The code's name, e.g. `mismatch`; safe to log.
        public var description: String { kind.rawValue }
    }

    /// The one message users see for every TOTP rejection.
    public static let publicMessage =
        "The code is not valid. Check your authenticator app and try again."

    /// What went wrong.
    public let code: Code
    /// Internal explanation for logs; never holds the submitted code or the secret.
    public let detail: String
    /// Where the error was made.
    public let file: String
    /// Where the error was made.
    public let line: Int

    /// An error of `code`; `detail` must not hold the submitted code or any secret.
    public init(_ code: Code, _ detail: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.detail = detail
        self.file = file
        self.line = line
    }

    /// The message to show the user: the same for every code.
    public var publicMessage: String { Self.publicMessage }

    /// `code: detail (file:line)`; internal, for logs.
    public var description: String { "TOTPError.\(code): \(detail) (\(file):\(line))" }
}
