/// The parts of an HTTP request a policy reads. Holds the body: never log it.
public struct PolicyRequest: Sendable {
    /// The method as sent; matching upper-cases it.
    public var method: String
    /// The `Host` header or URL authority, as sent; nil when unknown.
    public var host: String?
    /// The path, without the query.
    public var path: Substring
    /// The query without `?`; nil when there is none.
    public var query: Substring?
    /// The body bytes, for `body.` fields; empty when there is none.
    public var body: [UInt8]

    /// A request of `target` (`/path?query`, as in the request line); the query is split off.
    public init(method: String, target: String, host: String? = nil, body: [UInt8] = []) {
        self.method = method
        self.host = host
        if let mark = target.firstIndex(of: "?") {
            self.path = target[..<mark]
            self.query = target[target.index(after: mark)...]
        } else {
            self.path = Substring(target)
            self.query = nil
        }
        self.body = body
    }
}
