import Foundation

/// Reads one `[action.NAME]` block into a `PolicyAction`, collecting every problem.
struct ActionReader {
    private let block: ActionBlock
    private let levels: [String]
    private(set) var problems: [Problem] = []

    init(block: ActionBlock, levels: [String]) {
        self.block = block
        self.levels = levels
    }

    /// The action, or nil when a problem prevents it (all of them are in `problems`).
    mutating func read() -> PolicyAction? {
        var values: [String: ConfigFile.Entry] = [:]
        var ruleEntries: [ConfigFile.Entry] = []
        let prefix = "action.\(block.name)."
        for entry in block.entries {
            let key = String(entry.key.dropFirst(prefix.count))
            guard Policy.actionKeys.contains(key) else {
                report(
                    entry.line,
                    "unknown key \(key); expected one of \(Policy.actionKeys.sorted().joined(separator: ", "))"
                )
                continue
            }
            if key == "rule" {
                ruleEntries.append(entry)
            } else if let earlier = values[key] {
                report(entry.line, "key \(key) is already set on line \(earlier.line)")
            } else {
                values[key] = entry
            }
        }
        let before = problems.count
        let method = readMethod(values["method"])
        let path = readPath(values["path"])
        let host = readHost(values["host"])
        let level = readLevel(values["level"])
        let maxAge = values["max_age"].flatMap { readDuration($0, key: "max_age") }
        let binding = readBinding(values["bind"])
        let amount = readAmount(values["amount"])
        let rules = ruleEntries.compactMap { readRule($0, level: level, maxAge: maxAge, hasAmount: amount != nil) }
        guard problems.count == before, let method, let path, let level else { return nil }
        return PolicyAction(
            name: block.name,
            method: method,
            host: host,
            path: path,
            level: level,
            maxAge: maxAge,
            binding: binding,
            amount: amount,
            rules: rules,
            line: block.line
        )
    }

    private mutating func report(_ line: Int, _ message: String) {
        problems.append(Problem(line: line, "action \(block.name): \(message)"))
    }

    private mutating func required(_ entry: ConfigFile.Entry?, _ key: String, example: String) -> ConfigFile.Entry? {
        if entry == nil { report(block.line, "missing key \(key); expected for example \(key) = \(example)") }
        return entry
    }

    private mutating func readMethod(_ entry: ConfigFile.Entry?) -> String? {
        guard let entry = required(entry, "method", example: "POST") else { return nil }
        guard !entry.value.isEmpty, entry.value.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            report(entry.line, "method: expected one HTTP method in capitals, such as GET or POST")
            return nil
        }
        return entry.value
    }

    private mutating func readPath(_ entry: ConfigFile.Entry?) -> PathPattern? {
        guard let entry = required(entry, "path", example: "/api/transfers") else { return nil }
        do {
            return try PathPattern(entry.value)
        } catch {
            report(entry.line, "path: \(error.message)")
            return nil
        }
    }

    private mutating func readHost(_ entry: ConfigFile.Entry?) -> String? {
        guard let entry else { return nil }
        guard RequestPath.isHostWithOptionalPort(entry.value) else {
            report(
                entry.line,
                "host: expected a host name or IP address (IPv6 in brackets), optionally with :PORT, "
                    + "such as bank.example"
            )
            return nil
        }
        return RequestPath.normalizedHost(entry.value)
    }

    private mutating func readLevel(_ entry: ConfigFile.Entry?) -> String? {
        guard let entry = required(entry, "level", example: levels.first ?? "aal1") else { return nil }
        guard levels.contains(entry.value) else {
            report(entry.line, "level: unknown level; expected one of \(levels.joined(separator: ", "))")
            return nil
        }
        return entry.value
    }

    private mutating func readDuration(_ entry: ConfigFile.Entry, key: String) -> TimeInterval? {
        do {
            return try DurationText.parse(entry.value)
        } catch {
            report(entry.line, "\(key): \(error)")
            return nil
        }
    }

    private mutating func readBinding(_ entry: ConfigFile.Entry?) -> [FieldReference] {
        guard let entry else { return [] }
        var fields: [FieldReference] = []
        for word in entry.value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            guard let field = FieldReference(String(word)) else {
                report(entry.line, "bind: expected fields like body.amount or query.account, found '\(word)'")
                continue
            }
            if fields.contains(field) {
                report(entry.line, "bind: field \(field) is listed twice")
                continue
            }
            fields.append(field)
        }
        if fields.isEmpty, !problems.contains(where: { $0.line == entry.line }) {
            report(entry.line, "bind: expected at least one field, such as body.amount")
        }
        return fields
    }

    private mutating func readAmount(_ entry: ConfigFile.Entry?) -> FieldReference? {
        guard let entry else { return nil }
        guard let field = FieldReference(entry.value) else {
            report(entry.line, "amount: expected one field like body.amount")
            return nil
        }
        return field
    }

    private mutating func readRule(
        _ entry: ConfigFile.Entry,
        level: String?,
        maxAge: TimeInterval?,
        hasAmount: Bool
    ) -> PolicyRule? {
        let rule: PolicyRule
        do {
            rule = try PolicyRule(entry.value, line: entry.line)
        } catch {
            report(entry.line, "rule: \(error.message)")
            return nil
        }
        if rule.usesAmount, !hasAmount {
            report(entry.line, "rule: uses amount; expected an amount = FIELD key in the action")
            return nil
        }
        switch rule.effect {
        case .level(let name):
            guard let raised = levels.firstIndex(of: name) else {
                report(entry.line, "rule: unknown level; expected one of \(levels.joined(separator: ", "))")
                return nil
            }
            if let level, let base = levels.firstIndex(of: level), raised <= base {
                report(entry.line, "rule: level \(name) is not above the action's level \(level); rules only raise")
                return nil
            }
        case .maxAge(let seconds):
            if let maxAge, seconds >= maxAge {
                report(entry.line, "rule: max_age is not shorter than the action's max_age; rules only shorten")
                return nil
            }
        case .deny:
            break
        }
        return rule
    }
}
