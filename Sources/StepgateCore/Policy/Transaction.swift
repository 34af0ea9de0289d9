import StepgateCrypto

/// The fields of a request that a proof is bound to, in the policy's order, as canonical text.
///
/// `hash` is what a grant carries and what the decision path compares: a grant for 10 EUR to
/// payee A does not match 10,000 EUR, nor payee B.
public struct Transaction: Sendable, Hashable {
    /// One bound field.
    public struct Field: Sendable, Hashable {
        /// The field as written in the policy: `body.amount`.
        public let name: String
        /// The canonical text: a JSON string as it is, a number by `DecimalText.canonical`,
        /// `true` or `false`.
        public let value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public let fields: [Field]

    public init(fields: [Field]) {
        self.fields = fields
    }

    /// The label that starts the hashed encoding; a new encoding gets a new label.
    public static let encodingLabel = "stepgate-transaction-v1"

    /// The bytes that are hashed: the label and a line feed, then for each field in order its
    /// name and its value, each written as the decimal count of its UTF-8 bytes, `:`, and the
    /// bytes. So `1:a1:b` cannot be read two ways, whatever the names and values hold.
    public var canonicalEncoding: [UInt8] {
        var out = Array(Self.encodingLabel.utf8)
        out.append(0x0A)
        for field in fields {
            Self.append(field.name, to: &out)
            Self.append(field.value, to: &out)
        }
        return out
    }

    /// SHA-256 of `canonicalEncoding`, base64url without padding (43 characters).
    public var hash: String {
        Base64URL.encode(Digest.sha256(canonicalEncoding))
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: String(text.utf8.count).utf8)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: text.utf8)
    }
}

/// Why a bound field could not be read; names the field, never its value.
public struct TransactionBindingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: String, Error, Sendable, Hashable {
        /// The body is empty or not one strict JSON object.
        case bodyNotJSON = "body_not_json"
        /// The field is absent or JSON `null`.
        case missing
        /// The field is an object or an array.
        case notScalar = "not_scalar"
        /// A number with too many digits or too large an exponent to write exactly.
        case numberOutOfRange = "number_out_of_range"
        /// The query parameter appears more than once: which one counts is ambiguous.
        case repeatedParameter = "repeated_parameter"
        /// The query parameter's percent-encoding is broken or not UTF-8.
        case badEncoding = "bad_encoding"
    }

    /// The field as written in the policy.
    public let field: String
    public let reason: Reason

    public var description: String { "\(field): \(reason.rawValue)" }
}
