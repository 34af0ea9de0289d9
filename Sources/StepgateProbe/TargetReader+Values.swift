import Foundation
import StepgateCore

/// The typed reads of `TargetReader`: each records a problem naming the key and line and
/// returns nil when the value is missing or of the wrong kind. Secret values never appear in
/// a problem.
extension TargetReader {
    mutating func problem(_ path: String, _ node: YAMLNode?, _ message: String) {
        let line = node.map { " (line \($0.line))" } ?? ""
        problems.append("\(path)\(line): \(message)")
    }

    /// The node as a mapping whose keys are all in `keys`; nil (with a problem) otherwise.
    mutating func mapping(_ node: YAMLNode, _ path: String, keys: Set<String>) -> [YAMLNode.Entry]? {
        guard let entries = node.entries else {
            problem(path, node, "expected a mapping")
            return nil
        }
        for entry in entries where !keys.contains(entry.key) {
            let known = keys.sorted().joined(separator: ", ")
            let prefix = path == "the document" ? "" : path + "."
            problem(
                prefix + Self.printable(entry.key),
                entry.value,
                "unknown key (known: \(known))"
            )
        }
        return entries
    }

    mutating func string(_ node: YAMLNode?, _ path: String, required: Bool) -> String? {
        guard let node, !node.isNull else {
            if required { problems.append("\(path): missing") }
            return nil
        }
        guard let text = node.text, !text.isEmpty else {
            problem(path, node, "expected a non-empty string")
            return nil
        }
        return text
    }

    mutating func url(_ node: YAMLNode?, _ path: String, required: Bool) -> String? {
        guard let text = string(node, path, required: required) else { return nil }
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false,
            components.fragment == nil
        else {
            problem(path, node, "expected an absolute http or https URL without a fragment")
            return nil
        }
        return text
    }

    mutating func bool(_ node: YAMLNode?, _ path: String) -> Bool? {
        guard let node, !node.isNull else { return nil }
        switch node.text {
        case "true": return true
        case "false": return false
        default:
            problem(path, node, "expected true or false")
            return nil
        }
    }

    /// One HTTP status or a list of them (100 to 599); empty when absent.
    mutating func statuses(_ node: YAMLNode?, _ path: String) -> [Int] {
        guard let node, !node.isNull else { return [] }
        let texts = node.elements.map { $0.map(\.text) } ?? [node.text]
        let values = texts.compactMap { $0.flatMap { Int($0) } }.filter { (100...599).contains($0) }
        guard !values.isEmpty, values.count == texts.count else {
            problem(path, node, "expected an HTTP status or a list of them")
            return []
        }
        return values
    }

    /// Seconds: `300`, `90s`, `5m`, `1h`, `1d`.
    mutating func duration(_ node: YAMLNode?, _ path: String) -> TimeInterval? {
        guard let node, !node.isNull else { return nil }
        guard let text = node.text, let seconds = try? DurationText.parse(text) else {
            problem(path, node, "expected a duration such as 300, 90s, 5m or 1h")
            return nil
        }
        return seconds
    }

    mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ node: YAMLNode?,
        _ path: String,
        _ type: Choice.Type
    ) -> Choice? where Choice.RawValue == String {
        guard let node, !node.isNull else { return nil }
        guard let text = node.text, let value = Choice(rawValue: text) else {
            problem(
                path,
                node,
                "expected one of " + Choice.allCases.map(\.rawValue).joined(separator: ", ")
            )
            return nil
        }
        return value
    }

    /// `KEY` written in the file or `KEY_env` naming an environment variable; not both.
    mutating func secret(_ node: YAMLNode, _ path: String, key: String, required: Bool) -> Secret? {
        let inline = node[key]
        let variable = node[key + "_env"]
        switch (inline, variable) {
        case (nil, nil):
            if required { problems.append("\(path).\(key): missing (give \(key) or \(key)_env)") }
            return nil
        case (.some, .some):
            problem("\(path).\(key)", inline, "give \(key) or \(key)_env, not both")
            return nil
        case (let inline?, nil):
            guard let text = inline.text, !text.isEmpty else {
                problem("\(path).\(key)", inline, "expected a non-empty string")
                return nil
            }
            return Secret(text)
        case (nil, let variable?):
            guard let name = variable.text, !name.isEmpty else {
                problem(
                    "\(path).\(key)_env",
                    variable,
                    "expected the name of an environment variable"
                )
                return nil
            }
            guard let value = environment[name], !value.isEmpty else {
                problem("\(path).\(key)_env", variable, "\(Self.printable(name)) is not set")
                return nil
            }
            return Secret(value)
        }
    }

    /// A key or name from the file, shortened and with control characters dropped, for messages.
    static func printable(_ text: String) -> String {
        String(
            text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(64).map(
                Character.init
            )
        )
    }
}
