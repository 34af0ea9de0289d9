import StepgateCrypto
// Public: response headers arrive as `HTTPHeaders`.
public import StepgateHTTP

/// The redaction of HTTP messages: which headers are kept, and how bodies become excerpts.
extension Redactor {
    /// Longest body excerpt kept, in bytes, counted after redaction.
    public static let excerptLimit = 512

    /// Request headers kept as evidence (lower case); others are dropped.
    static let requestHeaderNames: Set<String> = [
        "accept", "content-type", "authorization", "cookie", "origin", "referer",
    ]

    /// Response headers kept as evidence (lower case); others are dropped.
    static let responseHeaderNames: Set<String> = [
        "location", "content-type", "www-authenticate", "set-cookie", "cache-control",
        "retry-after",
        "x-stepgate-decision", "x-stepgate-reason", "x-stepgate-action",
    ]

    /// A URL with secret parameter values (and any known secret) replaced.
    public func url(_ text: String) -> String {
        self.text(text)
    }

    /// The kept request headers, credentials and cookie values replaced.
    public func requestHeaders(_ fields: [(String, String)]) -> [Exchange.Header] {
        fields.compactMap { name, value in
            let lower = name.lowercased()
            guard Self.requestHeaderNames.contains(lower) else { return nil }
            switch lower {
            case "authorization": return Exchange.Header(name: name, value: credentials(value))
            case "cookie": return Exchange.Header(name: name, value: cookies(value))
            default: return Exchange.Header(name: name, value: text(value))
            }
        }
    }

    /// The kept response headers, `Set-Cookie` values replaced.
    public func responseHeaders(_ headers: HTTPHeaders) -> [Exchange.Header] {
        headers.fields.compactMap { field in
            let lower = field.name.lowercased()
            guard Self.responseHeaderNames.contains(lower) else { return nil }
            let value = lower == "set-cookie" ? setCookie(field.value) : text(field.value)
            return Exchange.Header(name: field.name, value: value)
        }
    }

    /// An excerpt of at most `excerptLimit` bytes of `body`, redacted first; nil when empty.
    ///
    /// JSON bodies are parsed and secret-named members replaced wherever they sit; HTML bodies
    /// have the values of secret-named form fields registered first; then all text goes through
    /// `text(_:)`. Bodies that are not UTF-8 become a note of their length.
    public func body(_ bytes: [UInt8], contentType: String?) -> String? {
        guard !bytes.isEmpty else { return nil }
        let window = Array(bytes.prefix(64 * 1024))
        guard let text = String(validating: window, as: UTF8.self) else {
            return "<\(bytes.count) bytes, not text>"
        }
        let type = contentType?.lowercased() ?? ""
        var redacted: String
        if type.contains("json") || text.first == "{",
            let value = try? JSONValue.parse(window, maxDepth: 64)
        {
            redacted = json(value).serializedString
        } else {
            if type.contains("html") || text.contains("<form") {
                for form in HTMLFormReader.forms(in: text) {
                    for field in form.fields where Redactor.isSecretName(field.name) {
                        register(field.value)
                    }
                }
            }
            redacted = self.text(text)
        }
        return Self.excerpt(redacted, limit: Self.excerptLimit)
    }

    /// `value` with secret-named members replaced, at any depth.
    func json(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(self.text(text))
        case .array(let elements):
            return .array(elements.map(json))
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (name, member) in members {
                if Redactor.isSecretName(name), let text = member.stringValue {
                    out[self.text(name)] = .string(remove(text))
                } else {
                    out[self.text(name)] = json(member)
                }
            }
            return .object(out)
        default:
            return value
        }
    }

    /// The first `limit` bytes of `text`, cut at a character boundary, with `…` when cut.
    static func excerpt(_ text: String, limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var out = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            guard used + size <= limit else { break }
            out.append(character)
            used += size
        }
        return out + "…"
    }

    private func credentials(_ value: String) -> String {
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return remove(value) }
        return "\(parts[0]) \(remove(String(parts[1])))"
    }

    private func cookies(_ value: String) -> String {
        value.split(separator: ";").map { pair in
            let trimmed = pair.trimmingSpaces
            guard let equals = trimmed.firstIndex(of: "=") else { return remove(String(trimmed)) }
            return
                "\(trimmed[..<equals])=\(remove(String(trimmed[trimmed.index(after: equals)...])))"
        }.joined(separator: "; ")
    }

    private func setCookie(_ value: String) -> String {
        let parts = value.split(separator: ";", maxSplits: 1)
        guard let first = parts.first, let equals = first.firstIndex(of: "=") else {
            return remove(value)
        }
        let cookieValue = String(first[first.index(after: equals)...])
        let attributes = parts.count > 1 ? ";" + parts[1] : ""
        return "\(first[..<equals])=\(cookieValue.isEmpty ? "" : remove(cookieValue))\(attributes)"
    }
}

extension Substring {
    /// Without leading and trailing spaces.
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}
