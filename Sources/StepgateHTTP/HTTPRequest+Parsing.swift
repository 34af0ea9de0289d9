extension HTTPRequest {
    /// Cookies from every `Cookie` header; a repeated name keeps its first value (see `Cookies`).
    public var cookies: [String: String] {
        Cookies.parse(header: headers.values("Cookie").joined(separator: "; "))
    }

    /// The body as form fields.
    ///
    /// - Throws: `HTTPFormError(.unsupportedContentType)` unless the media type is
    ///   `application/x-www-form-urlencoded` (parameters such as `charset` are ignored), or any
    ///   error of `FormData.parse(_:)`.
    public func formBody() throws(HTTPFormError) -> FormData {
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw HTTPFormError(.unsupportedContentType)
        }
        return try FormData.parse(body)
    }

    /// The query string's fields; empty when the query does not parse (see `parseQuery()`).
    public var queryItems: FormData {
        (try? parseQuery()) ?? FormData()
    }

    /// The query string's fields, failing on a malformed query.
    ///
    /// - Throws: any error of `FormData.parse(_:)`.
    public func parseQuery() throws(HTTPFormError) -> FormData {
        try FormData.parse(query: query)
    }

    /// The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), scheme
    /// case-insensitive; nil when absent or when the token is not b64token syntax.
    public var bearerToken: String? {
        guard let authorization = headers["Authorization"] else { return nil }
        let bytes = Array(authorization.utf8)
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count + 1,
            zip(bytes, scheme).allSatisfy({ ($0 | 0x20) == $1 }),
            bytes[scheme.count] == UInt8(ascii: " ")
        else { return nil }
        var start = scheme.count
        while start < bytes.count && bytes[start] == UInt8(ascii: " ") { start += 1 }
        let token = bytes[start...]
        guard Self.isB64Token(token) else { return nil }
        return String(decoding: token, as: UTF8.self)
    }

    /// The `Content-Type` without parameters, lowercased, or "" when absent.
    var mediaType: String {
        guard let contentType = headers["Content-Type"] else { return "" }
        let type = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingSpaces.lowercased()
    }

    /// RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
    private static func isB64Token(_ token: ArraySlice<UInt8>) -> Bool {
        var index = token.startIndex
        while index < token.endIndex {
            let byte = token[index]
            let isAlphanumeric =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            guard isAlphanumeric || Array("-._~+/".utf8).contains(byte) else { break }
            index += 1
        }
        guard index > token.startIndex else { return false }
        return token[index...].allSatisfy { $0 == UInt8(ascii: "=") }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
