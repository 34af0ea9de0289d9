import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore

/// A validated `/authorize` request (OIDC Core §3.1.2.1 with PKCE, RFC 7636).
///
/// Kept with the flow as JSON, so the flow resumes exactly what the client asked for.
struct AuthorizationRequest: Sendable, Hashable {
    var clientID: String
    var redirectURI: String
    var scope: String
    var state: String?
    var nonce: String?
    var codeChallenge: String
    /// The level the token must prove: the first supported value of `acr_values`, else the default.
    var acr: String
    /// Seconds; events older than this do not count (OIDC Core `max_age`).
    var maxAge: Int?
    var prompt: Prompt?
    var loginHint: String?
    /// Only authentication events at or after this instant count: the request's instant for
    /// `prompt=login`, the request's instant minus `max_age` for `max_age`, the later of the two.
    var notBefore: Date?
    /// Set on flows the decision endpoint started (`/stepup`): the challenge they answer. Such a
    /// flow ends at the challenge's return address instead of issuing a code.
    var stepUpChallenge: String? = nil
    /// Set when the challenge binds a transaction: the level alone does not finish the flow, one
    /// factor beyond the password must be proved at or after this instant (the approval).
    var approvalAfter: Date? = nil
    /// The transaction named by `authorization_details` (RFC 9396), which the user approves with
    /// a fresh second factor and the code's access token carries.
    var transaction: RequestedTransaction? = nil

    /// What `authorization_details` asked to approve, as kept with the flow.
    struct RequestedTransaction: Sendable, Hashable {
        var action: String
        var hash: String
        /// The array as the client sent it, re-serialised.
        var authorizationDetails: String
        /// The bound fields as the approval page shows them (see `Provider.displayFields`).
        var fields: [String: String]
    }

    enum Prompt: String, Sendable {
        case none
        case login
    }

    /// What went wrong with a request, and whether it may go back to the client.
    enum Failure: Error {
        /// The client or redirect URI cannot be trusted: show an error page, never redirect.
        case untrusted(String)
        /// The redirect URI is trusted: send `error` back to it.
        case redirect(OAuthError, redirectURI: String, state: String?)
    }

    /// Validates `parameters` against the registered `client`.
    ///
    /// Order matters (RFC 6749 §4.1.2.1): until `client_id` and `redirect_uri` are proved, an error
    /// is shown to the user and nothing is sent to the redirect URI.
    static func parse(
        _ parameters: FormData,
        policy: AssurancePolicy,
        defaultACR: String,
        actions: Policy?,
        lookupClient: (String) throws -> ClientRecord?
    ) throws -> AuthorizationRequest {
        let clientID: String?
        let redirectURI: String?
        do {
            clientID = try parameters.single("client_id")
            redirectURI = try parameters.single("redirect_uri")
        } catch {
            throw Failure.untrusted("The request repeats a parameter.")
        }
        guard let clientID, !clientID.isEmpty, let client = try lookupClient(clientID) else {
            throw Failure.untrusted("The application that sent you here is not known.")
        }
        guard let redirectURI, client.redirectURIs.contains(redirectURI) else {
            throw Failure.untrusted("The application's return address is not registered.")
        }
        var state: String?
        func fail(_ error: OAuthError) -> Failure { .redirect(error, redirectURI: redirectURI, state: state) }
        let single: (String) throws -> String?
        do {
            state = try parameters.single("state")
            single = { name in try parameters.single(name) }
            for name in [
                "response_type", "scope", "nonce", "code_challenge", "code_challenge_method",
                "acr_values", "max_age", "prompt", "login_hint", "request", "request_uri",
                "authorization_details",
            ] {
                _ = try single(name)
            }
        } catch {
            throw fail(.invalidRequest("a parameter is repeated"))
        }
        if try single("request") != nil || single("request_uri") != nil {
            throw fail(.invalidRequest("request objects are not supported"))
        }
        guard try single("response_type") == "code" else {
            throw fail(.unsupportedResponseType("only the code flow is supported"))
        }
        let scope = try single("scope") ?? ""
        guard scope.split(separator: " ").contains("openid") else {
            throw fail(.invalidScope("openid scope missing"))
        }
        guard let challenge = try single("code_challenge"), PKCE.isValidChallenge(challenge) else {
            throw fail(.invalidRequest("PKCE code_challenge missing or malformed"))
        }
        guard try single("code_challenge_method") == "S256" else {
            throw fail(.invalidRequest("code_challenge_method must be S256"))
        }
        var maxAge: Int?
        if let text = try single("max_age") {
            guard let value = Int(text), value >= 0, text.allSatisfy(\.isASCII) else {
                throw fail(.invalidRequest("max_age is not a non-negative integer"))
            }
            maxAge = value
        }
        var prompt: Prompt?
        if let text = try single("prompt") {
            guard let value = Prompt(rawValue: text) else {
                throw fail(.invalidRequest("prompt value not supported"))
            }
            prompt = value
        }
        var acr = defaultACR
        if let values = try single("acr_values") {
            let requested = values.split(separator: " ").map(String.init)
            guard let first = requested.first(where: { policy.level(named: $0) != nil }) else {
                throw fail(.unmetAuthenticationRequirements("no requested acr value is supported"))
            }
            acr = first
        }
        var transaction: RequestedTransaction?
        if let text = try single("authorization_details") {
            guard let actions else {
                throw fail(.invalidAuthorizationDetails("no policy defines authorization detail types"))
            }
            do {
                let detail = try actions.authorizationDetail(text)
                transaction = RequestedTransaction(
                    action: detail.action,
                    hash: detail.transaction.hash,
                    authorizationDetails: detail.value.serializedString,
                    fields: Provider.displayFields(detail.transaction)
                )
            } catch {
                throw fail(.invalidAuthorizationDetails("authorization_details refused: \(error.reason.rawValue)"))
            }
            if prompt == AuthorizationRequest.Prompt.none {
                throw fail(.interactionRequired("approving a transaction needs the user"))
            }
        }
        let hint = try single("login_hint")
        return AuthorizationRequest(
            clientID: clientID,
            redirectURI: redirectURI,
            scope: scope,
            state: state,
            nonce: try single("nonce"),
            codeChallenge: challenge,
            acr: acr,
            maxAge: maxAge,
            prompt: prompt,
            loginHint: hint.map { String($0.prefix(256)) },
            notBefore: nil,
            transaction: transaction
        )
    }

}

extension AuthorizationRequest {
    /// The request as stored with its flow.
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "client_id": .string(clientID),
            "redirect_uri": .string(redirectURI),
            "scope": .string(scope),
            "code_challenge": .string(codeChallenge),
            "acr": .string(acr),
        ]
        if let state { object["state"] = .string(state) }
        if let nonce { object["nonce"] = .string(nonce) }
        if let maxAge { object["max_age"] = .integer(Int64(maxAge)) }
        if let prompt { object["prompt"] = .string(prompt.rawValue) }
        if let loginHint { object["login_hint"] = .string(loginHint) }
        if let notBefore { object["not_before_ms"] = .integer(Self.milliseconds(notBefore)) }
        if let stepUpChallenge { object["stepup_challenge"] = .string(stepUpChallenge) }
        if let approvalAfter { object["approval_after_ms"] = .integer(Self.milliseconds(approvalAfter)) }
        if let transaction {
            object["transaction"] = .object([
                "action": .string(transaction.action), "hash": .string(transaction.hash),
                "authorization_details": .string(transaction.authorizationDetails),
                "fields": .object(transaction.fields.mapValues(JSONValue.string)),
            ])
        }
        return .object(object)
    }

    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    private static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }

    /// Reads a request back from its stored JSON.
    init(json text: String) throws {
        let value = try JSONValue.parse(Array(text.utf8))
        guard let clientID = value["client_id"]?.stringValue,
            let redirectURI = value["redirect_uri"]?.stringValue,
            let scope = value["scope"]?.stringValue,
            let challenge = value["code_challenge"]?.stringValue,
            let acr = value["acr"]?.stringValue
        else { throw ServerError.corruptData("stored flow request is incomplete") }
        self.init(
            clientID: clientID,
            redirectURI: redirectURI,
            scope: scope,
            state: value["state"]?.stringValue,
            nonce: value["nonce"]?.stringValue,
            codeChallenge: challenge,
            acr: acr,
            maxAge: value["max_age"]?.integerValue.map { Int($0) },
            prompt: value["prompt"]?.stringValue.flatMap(Prompt.init(rawValue:)),
            loginHint: value["login_hint"]?.stringValue,
            notBefore: value["not_before_ms"]?.integerValue.map(Self.date(milliseconds:)),
            stepUpChallenge: value["stepup_challenge"]?.stringValue,
            approvalAfter: value["approval_after_ms"]?.integerValue.map(Self.date(milliseconds:)),
            transaction: try value["transaction"].map(Self.transaction(stored:))
        )
    }

    private static func transaction(stored value: JSONValue) throws -> RequestedTransaction {
        guard let action = value["action"]?.stringValue, let hash = value["hash"]?.stringValue,
            let details = value["authorization_details"]?.stringValue, let fields = value["fields"]?.objectValue
        else { throw ServerError.corruptData("stored flow transaction is incomplete") }
        return RequestedTransaction(
            action: action,
            hash: hash,
            authorizationDetails: details,
            fields: fields.compactMapValues(\.stringValue)
        )
    }

    /// The client's redirect URI with `parameters` added to its query, plus `iss` (RFC 9207).
    static func redirect(to base: String, _ parameters: [(String, String?)], issuer: String) -> String {
        let pairs = (parameters + [("iss", issuer)]).compactMap { name, value in
            value.map { "\(name)=\(percentEncode($0))" }
        }
        let separator = base.contains("?") ? "&" : "?"
        return base + separator + pairs.joined(separator: "&")
    }

    /// `text` percent-encoded for a query component (unreserved characters kept).
    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 15)])"
            }
        }
        return out
    }
}
