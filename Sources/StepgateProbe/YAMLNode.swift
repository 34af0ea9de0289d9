/// One node of a YAML document as `YAMLReader` reads it: a scalar, a sequence or a mapping,
/// with the line it starts on (1-based) for messages.
///
/// Scalars stay text: the reader resolves no types, so `true`, `010` and `"true"` are all
/// strings until the code reading a key decides what it expects there.
public struct YAMLNode: Sendable, Equatable {
    /// What the node holds.
    public indirect enum Value: Sendable, Equatable {
        /// Text, and whether it was written plain (unquoted), which is how YAML writes null.
        case scalar(String, plain: Bool)
        case sequence([YAMLNode])
        /// Entries in document order; keys are scalars and unique (the reader refuses repeats).
        case mapping([Entry])
    }

    /// One key and value of a mapping.
    public struct Entry: Sendable, Equatable {
        public let key: String
        public let value: YAMLNode
    }

    public let value: Value
    /// The 1-based line the node starts on.
    public let line: Int

    public init(_ value: Value, line: Int) {
        self.value = value
        self.line = line
    }

    /// The text of a scalar that is not null; nil for null, sequences and mappings.
    public var text: String? {
        guard case .scalar(let text, _) = value, !isNull else { return nil }
        return text
    }

    /// Whether this is YAML's null: a plain empty scalar, `~` or `null`.
    public var isNull: Bool {
        guard case .scalar(let text, let plain) = value else { return false }
        return plain && ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// The entries of a mapping; nil for anything else.
    public var entries: [Entry]? {
        guard case .mapping(let entries) = value else { return nil }
        return entries
    }

    /// The elements of a sequence; nil for anything else.
    public var elements: [YAMLNode]? {
        guard case .sequence(let elements) = value else { return nil }
        return elements
    }

    /// The value of `key` in a mapping; nil when absent or when this is not a mapping.
    public subscript(key: String) -> YAMLNode? {
        entries?.first { $0.key == key }?.value
    }
}
