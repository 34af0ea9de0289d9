import FuzzSupport
import StepgateCore
import StepgateCrypto

/// Bound actions of every shape a binding takes: nested body members, a query parameter, a
/// boolean, a path parameter, an unbound action, and two fields that share a path.
private let policyText = """
    [action.transfer]
    method = POST
    path = /api/transfers
    level = aal2
    bind = body.amount body.currency body.payee.iban query.account
    amount = body.amount

    [action.switch]
    method = PUT
    path = /api/switches/{id}
    level = aal2
    bind = body.enabled body.note

    [action.export]
    method = GET
    path = /api/export
    level = aal2

    [action.ambiguous]
    method = POST
    path = /api/ambiguous
    level = aal2
    bind = body.account query.account
    """

private let policy: Policy = {
    do {
        return try Policy.load(policyText, levels: ["aal1", "aal2", "aal3"])
    } catch {
        fatalError("the fixed fuzzing policy does not load: \(error)")
    }
}()

/// `Policy.authorizationDetail` (RFC 9396 `authorization_details` from a client) on arbitrary
/// text, against a fixed policy.
///
/// An accepted detail must name a bound action, and its transaction must be exactly the one the
/// decision endpoint computes for the request the detail describes (the detail's object as the
/// JSON body, its query fields in the query): the same hash, so the grant the token carries
/// lets that request through and no other. Refusals name a bound field, never a value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAuthorizationDetails(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = FuzzInput(data, size).text
    let detail: AuthorizationDetail
    do {
        detail = try policy.authorizationDetail(text)
    } catch {
        if let field = error.field {
            require(policy.actions.contains { $0.binding.map(\.description).contains(field) }, "an unknown field")
        }
        return 0
    }
    guard let action = policy.actions.first(where: { $0.name == detail.action }) else {
        fatalError("property violated: the detail names no action")
    }
    require(!action.binding.isEmpty, "a detail for an unbound action")
    require(detail.transaction.fields.map(\.name) == action.binding.map(\.description), "fields not in bind order")
    require((try? JSONValue.parse(Array(text.utf8))) == detail.value, "the kept value is not the one sent")

    let request = request(for: action, detail: detail, text: text)
    let requirement = policy.evaluate(request, riskScore: 0)
    require(requirement?.action == action.name, "the described request meets another action")
    guard let transaction = requirement?.transaction else {
        fatalError("property violated: the described request binds no transaction: \(requirement?.denial as Any)")
    }
    require(transaction == detail.transaction, "the request binds another transaction")
    require(transaction.hash == detail.transaction.hash, "the request's transaction hashes differently")
    return 0
}

/// The request the detail describes: its object (cut from the text, so numbers keep their
/// spelling) as the body and its query fields percent-encoded in the query.
private func request(for action: PolicyAction, detail: AuthorizationDetail, text: String) -> PolicyRequest {
    let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]
    var bytes = Array(text.utf8)[...]
    while let first = bytes.first, whitespace.contains(first) { bytes = bytes.dropFirst() }
    while let last = bytes.last, whitespace.contains(last) { bytes = bytes.dropLast() }
    guard bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else {
        fatalError("property violated: an accepted detail that is not an array")
    }
    let body = Array(bytes.dropFirst().dropLast())

    let values = Dictionary(uniqueKeysWithValues: detail.transaction.fields.map { ($0.name, $0.value) })
    let query = action.binding.filter { $0.source == .query }.map { field in
        "\(field.path[0])=\(percentEncoded(values[field.description] ?? ""))"
    }
    let segments = action.path.segments.map { segment in
        switch segment {
        case .literal(let text): text
        case .parameter: "7"
        }
    }
    let path = "/" + segments.joined(separator: "/")
    let target = query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    return PolicyRequest(method: action.method, target: target, body: body)
}

/// Every byte but unreserved ones as `%XX`.
private func percentEncoded(_ text: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for byte in text.utf8 {
        let unreserved =
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || "-._~".utf8.contains(byte)
        if unreserved {
            out.append(byte)
        } else {
            out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }
    }
    return String(decoding: out, as: UTF8.self)
}
