import Foundation

extension Policy {
    /// The keys of an `[action.NAME]` section; `rule` may repeat.
    public static let actionKeys: Set<String> = [
        "method", "path", "host", "level", "max_age", "bind", "amount", "rule",
    ]

    /// The policy written in `text`, checked against `levels` (names, lowest first).
    ///
    /// Throws `PolicyLoadError` with every problem, each naming its line and what was expected:
    /// malformed lines, keys outside an action or unknown, keys set twice, missing `method`,
    /// `path` or `level`, a bad method, pattern, host, duration, field or rule, an unknown level,
    /// a rule that could never tighten, an action name used twice, and two actions that would
    /// match the same requests (same method, host and path shape).
    public static func load(_ text: String, levels: [String]) throws(PolicyLoadError) -> Policy {
        let (file, lineProblems) = ConfigFile.parse(text, repeatable: actionKeys)
        var problems = lineProblems.map { Problem(text: $0) }
        if levels.isEmpty { problems.append(Problem(line: 0, "the policy needs at least one level name")) }

        var actions: [PolicyAction] = []
        var names: [String: Int] = [:]
        var shapes: [String: (name: String, line: Int)] = [:]
        for block in blocks(of: file, problems: &problems) {
            if let earlier = names[block.name] {
                problems.append(Problem(line: block.line, "action \(block.name) is already defined on line \(earlier)"))
                continue
            }
            names[block.name] = block.line
            var reader = ActionReader(block: block, levels: levels)
            guard let action = reader.read() else {
                problems += reader.problems
                continue
            }
            problems += reader.problems
            let shape = "\(action.method) \(action.host ?? "*") \(action.path.shape)"
            if let other = shapes[shape] {
                problems.append(
                    Problem(
                        line: block.line,
                        "action \(block.name) matches the same requests as action \(other.name) on line \(other.line); "
                            + "expected a different method, host or path"
                    )
                )
                continue
            }
            shapes[shape] = (block.name, block.line)
            actions.append(action)
        }
        guard problems.isEmpty else {
            let sorted = problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            throw PolicyLoadError(problems: sorted.map(\.element.text))
        }
        return Policy(levels: levels, actions: actions)
    }

    /// The policy in `text`, checked against the levels of `assurance`.
    public static func load(_ text: String, assurance: AssurancePolicy) throws(PolicyLoadError) -> Policy {
        try load(text, levels: assurance.levels.map(\.name))
    }

    /// The `[action.NAME]` sections, each once per header; entries elsewhere become problems.
    private static func blocks(of file: ConfigFile, problems: inout [Problem]) -> [ActionBlock] {
        var blocks: [ActionBlock?] = []
        for section in file.sections {
            let name = section.name.hasPrefix("action.") ? String(section.name.dropFirst(7)) : ""
            let valid = !name.isEmpty && name.utf8.allSatisfy { RequestPath.isAlphanumeric($0) || $0 == 95 || $0 == 45 }
            if valid {
                blocks.append(ActionBlock(name: name, line: section.line, entries: []))
            } else {
                problems.append(
                    Problem(line: section.line, "expected a section [action.NAME] (letters, digits, '_', '-')")
                )
                blocks.append(nil)
            }
        }
        var current = -1
        for entry in file.entries {
            while current + 1 < file.sections.count, file.sections[current + 1].line < entry.line { current += 1 }
            guard current >= 0 else {
                problems.append(
                    Problem(line: entry.line, "key \(entry.key) is outside any action; expected [action.NAME] first")
                )
                continue
            }
            blocks[current]?.entries.append(entry)
        }
        return blocks.compactMap { $0 }
    }
}

/// One problem while loading, with its line for ordering.
struct Problem {
    let line: Int
    let text: String

    init(line: Int, _ message: String) {
        self.line = line
        self.text = line > 0 ? "line \(line): \(message)" : message
    }

    /// A problem already written as `line N: ...` by `ConfigFile`.
    init(text: String) {
        self.text = text
        let digits = text.dropFirst("line ".count).prefix { $0.isASCII && $0.isNumber }
        self.line = text.hasPrefix("line ") ? Int(digits) ?? 0 : 0
    }
}

/// The entries under one `[action.NAME]` header.
struct ActionBlock {
    let name: String
    let line: Int
    var entries: [ConfigFile.Entry]
}
