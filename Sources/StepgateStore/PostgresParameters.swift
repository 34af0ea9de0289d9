internal import CLibPQ
import Foundation

/// Where a `PostgresStore` connects: a libpq connection URI (`postgres://user:pass@host:port/db`)
/// or `key=value` string, checked when made.
///
/// The password never leaves this value: `description` and `redacted` leave it out, and no
/// error names the string. libpq's own defaults apply (`PGHOST`, `PGPASSWORD`, `~/.pgpass`).
public struct PostgresParameters: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The connection string as given; holds the password, if any. Never log it.
    let conninfo: String
    /// Settings applied after the connection string, so they win (tests set `options` here).
    var overrides: [String: String] = [:]

    /// Settings applied before the connection string, so that the string can change them.
    private static let defaults: KeyValuePairs<String, String> = [
        "connect_timeout": "5",
        "application_name": "stepgate",
    ]

    /// Checks `conninfo` with libpq's own parser; throws `StoreError(.unavailable)` when it
    /// does not parse (without quoting it or libpq's message, which may quote the password).
    public init(_ conninfo: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        // Safety: libpq copies the text; the option array and the message are libpq's to free,
        // which happens before returning.
        let options = PQconninfoParse(conninfo, &message)
        defer {
            if let message { PQfreemem(message) }
            if let options { PQconninfoFree(options) }
        }
        guard options != nil else {
            throw StoreError(.unavailable, "database connection string does not parse")
        }
        self.conninfo = conninfo
    }

    /// True for values that name a PostgreSQL database rather than a SQLite file path.
    public static func isConnectionString(_ value: String) -> Bool {
        value.hasPrefix("postgres://") || value.hasPrefix("postgresql://")
    }

    /// The settings without the password: `host=… port=… dbname=… user=…`, for logs.
    public var redacted: String {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &message) else {
            if let message { PQfreemem(message) }
            return "<unparsable>"
        }
        defer { PQconninfoFree(options) }
        var parts: [String] = []
        var option = options
        // Safety: PQconninfoParse returns an array ended by an entry with a NULL keyword; the
        // strings are copied before PQconninfoFree.
        while let keyword = option.pointee.keyword {
            let name = String(cString: keyword)
            if ["host", "hostaddr", "port", "dbname", "user"].contains(name), let value = option.pointee.val {
                parts.append("\(name)=\(String(cString: value))")
            }
            option = option.advanced(by: 1)
        }
        return parts.joined(separator: " ")
    }

    public var description: String { "PostgresParameters(\(redacted))" }
    public var debugDescription: String { description }
    /// Reflection (`dump`, debuggers) shows the redacted settings only.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted]) }

    /// Calls `body` with NULL-terminated keyword and value arrays for `PQconnectdbParams`.
    func withKeywordArrays<Result>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> Result
    ) -> Result {
        var pairs = Self.defaults.map { ($0.key, $0.value) }
        pairs.append(("dbname", conninfo))
        pairs.append(("client_encoding", "UTF8"))
        pairs.append(contentsOf: overrides.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        // Safety: the copies above live until the `defer` runs, after `body` returns.
        let keywordPointers = keywords.map { $0.map { UnsafePointer($0) } } + [nil]
        let valuePointers = values.map { $0.map { UnsafePointer($0) } } + [nil]
        return keywordPointers.withUnsafeBufferPointer { keywordBuffer in
            valuePointers.withUnsafeBufferPointer { valueBuffer in
                body(keywordBuffer.baseAddress!, valueBuffer.baseAddress!)
            }
        }
    }
}
