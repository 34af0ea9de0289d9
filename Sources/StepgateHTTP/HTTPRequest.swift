/// An HTTP method; unknown methods keep their text.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let head = HTTPMethod(rawValue: "HEAD")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let put = HTTPMethod(rawValue: "PUT")
    public static let delete = HTTPMethod(rawValue: "DELETE")
    public static let options = HTTPMethod(rawValue: "OPTIONS")

    public var description: String { rawValue }
}

/// Header fields with case-insensitive names, in arrival order.
///
/// Names compare as `String.lowercased()` makes them. Each field's name is lowercased once, when
/// the field is added, and kept beside it, so a look-up lowercases only the name it looks for.
public struct HTTPHeaders: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []
    /// `fields`' names lowercased, index for index.
    private(set) var lowercasedNames: [String] = []

    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
        self.lowercasedNames = fields.map { Self.lowercased($0.0) }
    }

    /// The first value of `name`, compared case-insensitively.
    public subscript(_ name: String) -> String? {
        let lower = Self.lowercased(name)
        return lowercasedNames.firstIndex(of: lower).map { fields[$0].value }
    }

    /// Every value of `name`.
    public func values(_ name: String) -> [String] {
        let lower = Self.lowercased(name)
        return lowercasedNames.indices.filter { lowercasedNames[$0] == lower }.map { fields[$0].value }
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
        lowercasedNames.append(Self.lowercased(name))
    }

    /// Replaces every value of `name` by `value`.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        let lower = Self.lowercased(name)
        guard lowercasedNames.contains(lower) else { return }
        let kept = lowercasedNames.indices.filter { lowercasedNames[$0] != lower }
        fields = kept.map { fields[$0] }
        lowercasedNames = kept.map { lowercasedNames[$0] }
    }

    /// `name.lowercased()`; the name itself when it is ASCII without an upper-case letter, which
    /// lowercasing leaves as it is (most look-ups, and HTTP/2-style lower-case names).
    private static func lowercased(_ name: String) -> String {
        if name.utf8.allSatisfy({ $0 < 0x80 && !(0x41...0x5A).contains($0) }) { return name }
        return name.lowercased()
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }
}

/// A request as handlers see it: fully read, size limits already enforced.
///
/// `description` prints method and path only: query strings, headers and bodies can hold secrets.
public struct HTTPRequest: Sendable, CustomStringConvertible {
    public var method: HTTPMethod
    /// The path, percent-decoding not applied, without the query string.
    public var path: String
    /// The raw query string after `?`, without it; empty when there was none.
    public var query: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The peer's IP address as text, if known.
    public var remoteAddress: String?
    /// A random ID for correlating log lines of this request.
    public var requestID: String

    public init(
        method: HTTPMethod,
        path: String,
        query: String = "",
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        remoteAddress: String? = nil,
        requestID: String = ""
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.requestID = requestID
    }

    public var description: String { "\(method) \(path)" }
}
