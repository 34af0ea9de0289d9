/// The optional `network:` and `load:` sections: each is flattened to dotted keys and scalar
/// text and handed to `FaultPlan(settings:)` or `LoadPlan(settings:)`, whose problems come back
/// with the line of the key they name.
extension TargetReader {
    /// The fault plan of a `network:` section; nil when it is absent or has problems.
    mutating func readNetwork(_ node: YAMLNode?) -> FaultPlan? {
        guard let node, let settings = flatten(node, "network") else { return nil }
        do {
            return try FaultPlan(settings: settings.values)
        } catch {
            report(error.problems, lines: settings.lines, section: node)
            return nil
        }
    }

    /// The load plan of a `load:` section; nil when it is absent or has problems.
    mutating func readLoad(_ node: YAMLNode?) -> LoadPlan? {
        guard let node, let settings = flatten(node, "load") else { return nil }
        do {
            return try LoadPlan(settings: settings.values)
        } catch {
            report(error.problems, lines: settings.lines, section: node)
            return nil
        }
    }

    /// A section's scalars under dotted keys (`stall.duration_ms`), and the line of each; nil
    /// (with a problem) when the section or a value in it is not a mapping or a scalar.
    private mutating func flatten(_ node: YAMLNode, _ path: String)
        -> (values: [String: String], lines: [String: Int])?
    {
        guard let entries = node.entries else {
            problem(path, node, "expected a mapping")
            return nil
        }
        var values: [String: String] = [:]
        var lines: [String: Int] = [:]
        var usable = true
        for entry in entries {
            let key = Self.printable(entry.key)
            if entry.value.entries != nil {
                guard let inner = flatten(entry.value, "\(path).\(key)") else {
                    usable = false
                    continue
                }
                for (innerKey, value) in inner.values { values["\(key).\(innerKey)"] = value }
                for (innerKey, line) in inner.lines { lines["\(key).\(innerKey)"] = line }
            } else if case .scalar(let text, _) = entry.value.value {
                values[key] = text
                lines[key] = entry.value.line
            } else {
                problem("\(path).\(key)", entry.value, "expected a single value, not a list")
                usable = false
            }
        }
        return usable ? (values, lines) : nil
    }

    /// Each problem of a plan (`load.users: expected ...`) as a target-file problem with the
    /// line of its key, or of the section when the key is not in the file.
    private mutating func report(_ found: [String], lines: [String: Int], section: YAMLNode) {
        for text in found {
            guard let colon = text.firstIndex(of: ":") else {
                problems.append(text)
                continue
            }
            let path = String(text[..<colon])
            let key = path.split(separator: ".", maxSplits: 1).dropFirst().first.map(String.init)
            let line = key.flatMap { lines[$0] } ?? section.line
            problems.append("\(path) (line \(line))\(text[colon...])")
        }
    }
}
