/// One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1): a scheme and either a
/// token68 or auth-params.
public struct AuthChallenge: Sendable, Equatable {
    /// One auth-param; the name in lower case (names are case-insensitive), the value unquoted.
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// The scheme as written (`Bearer`); compare without case.
    public var scheme: String
    public var token68: String?
    public var parameters: [Parameter]

    public init(scheme: String, token68: String? = nil, parameters: [Parameter] = []) {
        self.scheme = scheme
        self.token68 = token68
        self.parameters = parameters
    }

    /// The value of the first parameter `name` (any case).
    public func parameter(_ name: String) -> String? {
        let lower = name.lowercased()
        return parameters.first { $0.name == lower }?.value
    }

    /// Whether a parameter name occurs twice, which RFC 9110 §11.2 forbids.
    public var hasRepeatedParameter: Bool {
        Set(parameters.map(\.name)).count != parameters.count
    }

    /// Whether the scheme is `Bearer` (any case).
    public var isBearer: Bool { scheme.lowercased() == "bearer" }
}
