/// Finds the most specific action for a method, host and path segments.
///
/// One segment trie per method, so a lookup walks the path once (backtracking only past
/// `{param}` branches) whatever the number of actions. Precedence, leftmost segment first:
/// a literal beats a `{param}`, which beats a final `*`; an exact pattern beats a `*` pattern
/// that ends at the same place; then an action naming the request's host beats one for any host.
struct PolicyIndex: Sendable {
    private struct Node: Sendable {
        var literals: [String: Int] = [:]
        var parameter: Int?
        /// Actions whose pattern ends here.
        var exact: [Int] = []
        /// Actions whose pattern is this node's path followed by `/*`.
        var prefix: [Int] = []
    }

    private var roots: [String: Int] = [:]
    private var nodes: [Node] = []
    private let hosts: [String?]

    init(actions: [PolicyAction]) {
        hosts = actions.map(\.host)
        for (number, action) in actions.enumerated() {
            var node = root(for: action.method)
            for segment in action.path.segments {
                node = child(of: node, segment)
            }
            if action.path.isPrefix {
                nodes[node].prefix.append(number)
            } else {
                nodes[node].exact.append(number)
            }
        }
    }

    /// The index of the action for the request, or nil. `method` must be upper case and
    /// `host` normalised.
    func match(method: String, host: String?, segments: [String]) -> Int? {
        if let root = roots[method], let found = search(root, segments, 0, host) { return found }
        // A GET action covers HEAD: origin servers usually run the GET handler for it.
        if method == "HEAD", let root = roots["GET"] { return search(root, segments, 0, host) }
        return nil
    }

    private func search(_ node: Int, _ segments: [String], _ position: Int, _ host: String?) -> Int? {
        let current = nodes[node]
        if position == segments.count {
            if let found = pick(current.exact, host) { return found }
        } else {
            if let next = current.literals[segments[position]],
                let found = search(next, segments, position + 1, host)
            {
                return found
            }
            if let next = current.parameter, let found = search(next, segments, position + 1, host) {
                return found
            }
        }
        return pick(current.prefix, host)
    }

    /// The candidate for `host`, else the one for any host.
    private func pick(_ candidates: [Int], _ host: String?) -> Int? {
        if candidates.isEmpty { return nil }
        if let host, let exact = candidates.first(where: { hosts[$0] == host }) { return exact }
        return candidates.first { hosts[$0] == nil }
    }

    private mutating func root(for method: String) -> Int {
        if let existing = roots[method] { return existing }
        nodes.append(Node())
        roots[method] = nodes.count - 1
        return nodes.count - 1
    }

    private mutating func child(of node: Int, _ segment: PathPattern.Segment) -> Int {
        switch segment {
        case .literal(let text):
            if let existing = nodes[node].literals[text] { return existing }
            nodes.append(Node())
            nodes[node].literals[text] = nodes.count - 1
        case .parameter:
            if let existing = nodes[node].parameter { return existing }
            nodes.append(Node())
            nodes[node].parameter = nodes.count - 1
        }
        return nodes.count - 1
    }
}
