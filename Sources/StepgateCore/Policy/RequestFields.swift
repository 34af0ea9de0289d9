import StepgateCrypto

/// Reads `body.` and `query.` fields of one request, parsing the body at most once.
struct RequestFields {
    private let request: PolicyRequest
    private var parsed: (value: JSONValue, numberText: [[String]: String])??

    init(_ request: PolicyRequest) {
        self.request = request
    }

    /// The canonical text of `field`, or why it cannot be read.
    mutating func value(of field: FieldReference) -> Result<String, TransactionBindingError> {
        let fail = { (reason: TransactionBindingError.Reason) in
            Result<String, TransactionBindingError>.failure(
                TransactionBindingError(field: field.description, reason: reason)
            )
        }
        switch field.source {
        case .query:
            return queryValue(field.path[0]).mapError { TransactionBindingError(field: field.description, reason: $0) }
        case .body:
            guard let (root, numberText) = body() else { return fail(.bodyNotJSON) }
            var value = root
            for name in field.path {
                guard let member = value[name] else { return fail(.missing) }
                value = member
            }
            switch value {
            case .null: return fail(.missing)
            case .object, .array: return fail(.notScalar)
            case .bool(let flag): return .success(flag ? "true" : "false")
            case .string(let text): return .success(text)
            case .integer, .double:
                guard let text = numberText[field.path], let canonical = DecimalText.canonical(text) else {
                    return fail(.numberOutOfRange)
                }
                return .success(canonical)
            }
        }
    }

    // Known gap: only JSON bodies are read; a form-encoded body makes every body. field
    // unbindable, so a bound action with one is denied.
    private mutating func body() -> (value: JSONValue, numberText: [[String]: String])? {
        if let parsed { return parsed }
        var result: (value: JSONValue, numberText: [[String]: String])?
        if !request.body.isEmpty, let document = try? JSONValue.parseKeepingNumberText(request.body),
            document.value.objectValue != nil
        {
            result = document
        }
        parsed = .some(result)
        return result
    }

    /// The one value of query parameter `name`, percent-decoded (`+` is a space).
    private func queryValue(_ name: String) -> Result<String, TransactionBindingError.Reason> {
        guard let query = request.query else { return .failure(.missing) }
        var found: String?
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(parts[0]) else { return .failure(.badEncoding) }
            guard key == name else { continue }
            guard found == nil else { return .failure(.repeatedParameter) }
            guard let value = Self.decode(parts.count > 1 ? parts[1] : "") else { return .failure(.badEncoding) }
            found = value
        }
        guard let found else { return .failure(.missing) }
        return .success(found)
    }

    /// Form-style percent-decoding; nil for a broken escape or bytes that are not UTF-8.
    private static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = iterator.popFirst().flatMap(RequestPath.hex),
                    let low = iterator.popFirst().flatMap(RequestPath.hex)
                else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
