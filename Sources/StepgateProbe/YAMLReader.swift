internal import CYAML

/// Reads one YAML document into a `YAMLNode` tree through libyaml's event parser.
///
/// Only the plain data subset is accepted: anchors, aliases and explicit tags are refused (so
/// no document can expand itself, "billion laughs"), and size, nesting depth and node count are
/// limited. Mapping keys must be scalars and unique. Errors carry a line and fixed text, never
/// the document's content.
public struct YAMLReader: Sendable {
    /// Largest document read, in bytes (default 256 KiB).
    public var maxBytes = 256 * 1024
    /// Deepest nesting of sequences and mappings (default 16).
    public var maxDepth = 16
    /// Most nodes, scalars included (default 10,000).
    public var maxNodes = 10_000

    public init() {}

    /// The document in `bytes` (UTF-8 text).
    public func read(_ bytes: [UInt8]) throws(YAMLError) -> YAMLNode {
        guard bytes.count <= maxBytes else {
            throw YAMLError(.tooLarge, line: 0, "larger than \(maxBytes) bytes")
        }
        guard !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil else {
            throw YAMLError(.encoding, line: 0, "not UTF-8 text")
        }
        let parser = try EventParser(bytes)
        var builder = TreeBuilder(maxDepth: maxDepth, maxNodes: maxNodes)
        while let event = try parser.next() {
            if try builder.take(event) { break }
        }
        return try builder.finish()
    }
}

/// One libyaml event, copied out of the C structure.
private enum Event {
    case documentStart
    case streamEnd
    case scalar(String, plain: Bool)
    case sequenceStart
    case sequenceEnd
    case mappingStart
    case mappingEnd
    /// Stream start, document end: nothing to build.
    case ignored
}

/// Builds the tree from events with an explicit stack, so depth is checked before it grows.
private struct TreeBuilder {
    private enum Frame {
        case sequence(line: Int, [YAMLNode])
        case mapping(line: Int, [YAMLNode.Entry], pendingKey: String?)
    }

    let maxDepth: Int
    let maxNodes: Int
    private var stack: [Frame] = []
    private var root: YAMLNode?
    private var documents = 0
    private var nodes = 0

    init(maxDepth: Int, maxNodes: Int) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// Takes one event and its line; true at the end of the stream.
    mutating func take(_ event: (Event, Int)) throws(YAMLError) -> Bool {
        let (kind, line) = event
        switch kind {
        case .streamEnd:
            return true
        case .documentStart:
            documents += 1
            guard documents == 1 else {
                throw YAMLError(.documentCount, line: line, "more than one document")
            }
        case .scalar(let text, let plain):
            try deliver(YAMLNode(.scalar(text, plain: plain), line: line))
        case .sequenceStart:
            try push(.sequence(line: line, []), line: line)
        case .mappingStart:
            try push(.mapping(line: line, [], pendingKey: nil), line: line)
        case .sequenceEnd, .mappingEnd:
            guard let frame = stack.popLast() else {
                throw YAMLError(.syntax, line: line, "unbalanced end")
            }
            switch frame {
            case .sequence(let start, let elements):
                try deliver(YAMLNode(.sequence(elements), line: start))
            case .mapping(let start, let entries, _):
                try deliver(YAMLNode(.mapping(entries), line: start))
            }
        case .ignored:
            break
        }
        return false
    }

    func finish() throws(YAMLError) -> YAMLNode {
        guard let root else { throw YAMLError(.documentCount, line: 0, "no document") }
        return root
    }

    private mutating func push(_ frame: Frame, line: Int) throws(YAMLError) {
        guard stack.count < maxDepth else {
            throw YAMLError(.tooDeep, line: line, "nested deeper than \(maxDepth)")
        }
        stack.append(frame)
    }

    private mutating func deliver(_ node: YAMLNode) throws(YAMLError) {
        nodes += 1
        guard nodes <= maxNodes else {
            throw YAMLError(.tooManyNodes, line: node.line, "more than \(maxNodes) nodes")
        }
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .sequence(let line, var elements):
            elements.append(node)
            stack.append(.sequence(line: line, elements))
        case .mapping(let line, var entries, let pendingKey):
            if let key = pendingKey {
                entries.append(YAMLNode.Entry(key: key, value: node))
                stack.append(.mapping(line: line, entries, pendingKey: nil))
                return
            }
            guard case .scalar(let key, _) = node.value else {
                throw YAMLError(.complexKey, line: node.line, "a mapping key that is not a scalar")
            }
            guard !entries.contains(where: { $0.key == key }) else {
                throw YAMLError(.duplicateKey, line: node.line, "a key repeated in one mapping")
            }
            stack.append(.mapping(line: line, entries, pendingKey: key))
        }
    }
}

/// Owns one libyaml parser and the copy of the input it reads.
private final class EventParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private var finished = false

    init(_ bytes: [UInt8]) throws(YAMLError) {
        parser = .allocate(capacity: 1)
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            input.deallocate()
            throw YAMLError(.syntax, line: 0, "libyaml could not start")
        }
        // Safety: libyaml reads `input` during yaml_parser_parse only; this object owns the
        // buffer and frees it after yaml_parser_delete in deinit.
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event and its 1-based line; nil after the end of the stream.
    func next() throws(YAMLError) -> (Event, Int)? {
        guard !finished else { return nil }
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            let line = Int(parser.pointee.problem_mark.line) + 1
            let problem = parser.pointee.problem.map { String(cString: $0) } ?? "malformed YAML"
            throw YAMLError(.syntax, line: line, problem)
        }
        defer { yaml_event_delete(&event) }
        let line = Int(event.start_mark.line) + 1
        let kind = try Self.convert(&event, line: line)
        if case .streamEnd = kind { finished = true }
        return (kind, line)
    }

    private static func convert(_ event: inout yaml_event_t, line: Int) throws(YAMLError) -> Event {
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return .streamEnd
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart
        case YAML_ALIAS_EVENT:
            throw YAMLError(.anchorOrAlias, line: line, "aliases are not accepted")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            try refuse(anchor: scalar.anchor, tag: scalar.tag, line: line)
            // Safety: libyaml hands `length` bytes at `value`, valid until yaml_event_delete.
            let text = scalar.value.map {
                String(
                    decoding: UnsafeBufferPointer(start: $0, count: scalar.length),
                    as: UTF8.self
                )
            }
            return .scalar(text ?? "", plain: scalar.style == YAML_PLAIN_SCALAR_STYLE)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            try refuse(anchor: start.anchor, tag: start.tag, line: line)
            return .sequenceStart
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            try refuse(anchor: start.anchor, tag: start.tag, line: line)
            return .mappingStart
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            return .ignored
        }
    }

    private static func refuse(
        anchor: UnsafeMutablePointer<yaml_char_t>?,
        tag: UnsafeMutablePointer<yaml_char_t>?,
        line: Int
    ) throws(YAMLError) {
        if anchor != nil { throw YAMLError(.anchorOrAlias, line: line, "anchors are not accepted") }
        if tag != nil { throw YAMLError(.tag, line: line, "explicit tags are not accepted") }
    }
}
