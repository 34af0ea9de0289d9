/// A form found in an HTML page by `HTMLFormReader`: its attributes, fields and buttons.
public struct HTMLForm: Sendable, Equatable {
    /// One `input`, `select` or `textarea` with a name.
    public struct Field: Sendable, Equatable {
        public var name: String
        /// The initial value (entities decoded); for a `select`, the selected option's.
        public var value: String
        /// `type` in lower case (`text` when absent); `select` or `textarea` for those elements.
        public var type: String
        /// The `autocomplete` tokens in lower case (`username`, `current-password`,
        /// `one-time-code`, ...); empty when absent.
        public var autocomplete: [String]
        /// Every attribute, names in lower case.
        public var attributes: [String: String]
    }

    /// One `button`, or an `input` of type `submit`.
    public struct Button: Sendable, Equatable {
        public var name: String?
        public var value: String?
        /// `type` in lower case (`submit` when absent).
        public var type: String
        /// The visible text, whitespace collapsed.
        public var text: String
    }

    /// Every attribute of the `form` element (names in lower case, the first of a repeat wins).
    public var attributes: [String: String]
    public var fields: [Field]
    public var buttons: [Button]

    /// The `action` attribute; nil when absent (the form posts to its page).
    public var action: String? { attributes["action"] }

    /// The method in capitals: `POST` or `GET` (the default, also for anything unknown).
    public var method: String { attributes["method"]?.uppercased() == "POST" ? "POST" : "GET" }

    /// The first field whose `autocomplete` tokens include `token`.
    public func field(autocomplete token: String) -> Field? {
        fields.first { $0.autocomplete.contains(token) }
    }

    /// The first field named `name`.
    public func field(named name: String) -> Field? {
        fields.first { $0.name == name }
    }

    /// What a browser sends for this form unchanged: every field but unchecked boxes, in order.
    public var submission: [(String, String)] {
        fields.filter {
            !["checkbox", "radio", "submit", "button", "image", "file", "reset"].contains($0.type)
        }
        .map { ($0.name, $0.value) }
    }
}
