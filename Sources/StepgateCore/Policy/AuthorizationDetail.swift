public import StepgateCrypto

/// One RFC 9396 authorization detail read against a policy: the bound action it names, and the
/// transaction its members describe.
///
/// The client sends `authorization_details` as a JSON array holding one object. Its `type` is
/// the name of a bound action; for each field of the action's `bind` it has a member at the
/// field's path without the source (`body.amount` is `amount`, `body.payee.iban` is
/// `{"payee": {"iban": ...}}`, `query.account` is `account`). Values follow the transaction's
/// rules: a string as it is, a number by its exact decimal text, `true` or `false`. So the
/// transaction's hash is the one the decision endpoint computes from the request the token is
/// later presented with. Other members are kept in the token but not bound.
public struct AuthorizationDetail: Sendable, Hashable {
    /// The longest `authorization_details` text accepted, in bytes.
    public static let maximumLength = 4_096

    /// The bound action the detail names (its `type`).
    public let action: String
    /// The transaction its members describe; its hash goes into the token.
    public let transaction: Transaction
    /// The whole array as sent (one object), for the token's `authorization_details` claim.
    public let value: JSONValue
}

/// Why `authorization_details` was refused; names a field or a rule, never a value.
public struct AuthorizationDetailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: String, Sendable, Hashable {
        /// Longer than `AuthorizationDetail.maximumLength`, or not one strict JSON array.
        case malformed
        /// The array holds no object, more than one, or something else.
        case notOneObject = "not_one_object"
        /// `type` is missing or not a string.
        case missingType = "missing_type"
        /// `type` names no action with a `bind`.
        case unknownType = "unknown_type"
        /// A bound field is absent, `null`, an object or an array.
        case missingField = "missing_field"
        /// A number with too many digits or too large an exponent to write exactly.
        case numberOutOfRange = "number_out_of_range"
        /// Two bound fields of the action share a path (`body.x` and `query.x`).
        case ambiguousBinding = "ambiguous_binding"
    }

    public let reason: Reason
    /// The bound field at fault, as written in the policy; nil when no field is.
    public let field: String?

    public var description: String { field.map { "\(reason.rawValue) (\($0))" } ?? reason.rawValue }
}

extension Policy {
    /// The names of actions that bind a transaction: the `authorization_details` types offered.
    public var boundActionNames: [String] {
        actions.filter { !$0.binding.isEmpty }.map(\.name)
    }

    /// Reads an `authorization_details` parameter (RFC 9396 §2) against the bound actions.
    ///
    /// Known gap: one detail per request; a client that needs two transactions asks twice.
    public func authorizationDetail(_ text: String) throws(AuthorizationDetailError) -> AuthorizationDetail {
        let bytes = Array(text.utf8)
        guard bytes.count <= AuthorizationDetail.maximumLength,
            let (value, numberText) = try? JSONValue.parseKeepingNumberText(bytes, maxDepth: 8),
            let elements = value.arrayValue
        else { throw AuthorizationDetailError(reason: .malformed, field: nil) }
        guard elements.count == 1, let object = elements[0].objectValue else {
            throw AuthorizationDetailError(reason: .notOneObject, field: nil)
        }
        guard let type = object["type"]?.stringValue else {
            throw AuthorizationDetailError(reason: .missingType, field: nil)
        }
        guard let action = actions.first(where: { $0.name == type }), !action.binding.isEmpty else {
            throw AuthorizationDetailError(reason: .unknownType, field: nil)
        }
        let paths = action.binding.map(\.path)
        guard Set(paths).count == paths.count else {
            throw AuthorizationDetailError(reason: .ambiguousBinding, field: nil)
        }

        var fields: [Transaction.Field] = []
        for field in action.binding {
            var member = elements[0]
            for name in field.path {
                guard let next = member[name] else {
                    throw AuthorizationDetailError(reason: .missingField, field: field.description)
                }
                member = next
            }
            let canonical: String
            switch member {
            case .null, .object, .array:
                throw AuthorizationDetailError(reason: .missingField, field: field.description)
            case .bool(let flag): canonical = flag ? "true" : "false"
            case .string(let string): canonical = string
            case .integer, .double:
                guard let source = numberText[["[0]"] + field.path], let text = DecimalText.canonical(source) else {
                    throw AuthorizationDetailError(reason: .numberOutOfRange, field: field.description)
                }
                canonical = text
            }
            fields.append(Transaction.Field(name: field.description, value: canonical))
        }
        return AuthorizationDetail(action: action.name, transaction: Transaction(fields: fields), value: value)
    }
}
