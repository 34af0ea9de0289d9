public import Foundation

/// One `[case.NAME]` of a policy test file: a request, a proof, and the decision expected.
///
/// Keys: `method`, `path` (with an optional `?query`), `expected` (required); `host`; `body`
/// (JSON text); `risk` (0 to 100, default 0); `acr` (no proof when absent); `auth_age` (a
/// duration, default 0); `amr` (space-separated). `expected` is `allow`, `deny`, `no_action`,
/// or `step_up LEVEL [MAX_AGE]` with the max age as a duration (`300`, `5m`).
public struct PolicyTestCase: Sendable {
    /// What the case expects.
    public enum Expectation: Sendable, Hashable, CustomStringConvertible {
        case allow
        case deny
        case noAction
        case stepUp(acr: String, maxAge: TimeInterval?)

        public var description: String {
            switch self {
            case .allow: "allow"
            case .deny: "deny"
            case .noAction: "no_action"
            case .stepUp(let acr, let maxAge?): "step_up \(acr) \(Int(maxAge))"
            case .stepUp(let acr, nil): "step_up \(acr)"
            }
        }
    }

    /// The outcome of running a case.
    public struct Result: Sendable {
        public let name: String
        public let line: Int
        public let expected: Expectation
        /// `no_action`, `allow`, `step_up LEVEL [SECONDS]` or `deny`.
        public let actual: String
        public let passed: Bool
        /// The requirement behind the decision; nil for `no_action`.
        public let requirement: PolicyRequirement?

        /// `ok NAME: DECISION`, or `FAIL NAME (line N): expected X, got Y` with the reasons.
        public var summary: String {
            if passed { return "ok   \(name): \(actual)" }
            var text = "FAIL \(name) (line \(line)): expected \(expected), got \(actual)"
            if let requirement {
                text += " (action \(requirement.action ?? "none")"
                if let denial = requirement.denial { text += "; denied by \(denial)" }
                let fired = requirement.firedRules.map { "line \($0.line): \($0.text)" }
                if !fired.isEmpty { text += "; rules fired: " + fired.joined(separator: ", ") }
                text += ")"
            }
            return text
        }
    }

    /// The keys a case may set.
    public static let keys: Set<String> = [
        "method", "path", "host", "body", "risk", "acr", "auth_age", "amr", "expected",
    ]
    /// The fixed "now" of every case, so that results do not depend on the clock.
    public static let now = Date(timeIntervalSince1970: 1_700_000_000)

    public let name: String
    public let line: Int
    public let request: PolicyRequest
    public let riskScore: Int
    public let proof: AuthenticationProof?
    public let expected: Expectation

    /// Runs the case against `policy`.
    public func run(against policy: Policy) -> Result {
        let requirement = policy.evaluate(request, riskScore: riskScore)
        var actual = "no_action"
        var passed = expected == .noAction
        if let requirement {
            let decision = PolicyDecision.decide(requirement, proof: proof, now: Self.now, levels: policy.levels)
            actual = decision.description
            switch (decision, expected) {
            case (.allow, .allow), (.deny, .deny): passed = true
            case (.stepUp(let acr, let maxAge), .stepUp(let wantedACR, let wantedMaxAge)):
                passed = acr == wantedACR && maxAge == wantedMaxAge
            default: passed = false
            }
        }
        return Result(
            name: name,
            line: line,
            expected: expected,
            actual: actual,
            passed: passed,
            requirement: requirement
        )
    }
}

extension PolicyTestCase {
    /// The cases in `text`, in file order; throws `PolicyLoadError` with every problem.
    public static func load(_ text: String) throws(PolicyLoadError) -> [PolicyTestCase] {
        let (file, lineProblems) = ConfigFile.parse(text)
        var problems = lineProblems.map { Problem(text: $0) }
        var cases: [PolicyTestCase] = []
        var seen: Set<String> = []
        for section in file.sections {
            guard section.name.hasPrefix("case."), section.name.count > 5 else {
                problems.append(Problem(line: section.line, "expected a section [case.NAME]"))
                continue
            }
            let name = String(section.name.dropFirst(5))
            guard seen.insert(name).inserted else {
                problems.append(Problem(line: section.line, "case \(name) is defined twice"))
                continue
            }
            let entries = file.entries.filter { $0.section == section.name }
            var reader = CaseReader(name: name, line: section.line, entries: entries)
            if let found = reader.read() { cases.append(found) }
            problems += reader.problems
        }
        for entry in file.entries where entry.section.isEmpty {
            problems.append(
                Problem(line: entry.line, "key \(entry.key) is outside any case; expected [case.NAME] first")
            )
        }
        if cases.isEmpty, problems.isEmpty { problems.append(Problem(line: 0, "expected at least one [case.NAME]")) }
        guard problems.isEmpty else {
            let sorted = problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            throw PolicyLoadError(problems: sorted.map(\.element.text))
        }
        return cases
    }
}

/// Reads one `[case.NAME]` section.
private struct CaseReader {
    let name: String
    let line: Int
    let values: [String: ConfigFile.Entry]
    private(set) var problems: [Problem] = []

    init(name: String, line: Int, entries: [ConfigFile.Entry]) {
        self.name = name
        self.line = line
        var values: [String: ConfigFile.Entry] = [:]
        for entry in entries {
            let key = String(entry.key.dropFirst("case.\(name).".count))
            if PolicyTestCase.keys.contains(key) {
                values[key] = entry
            } else {
                problems.append(
                    Problem(
                        line: entry.line,
                        "case \(name): unknown key \(key); expected one of "
                            + PolicyTestCase.keys.sorted().joined(separator: ", ")
                    )
                )
            }
        }
        self.values = values
    }

    mutating func read() -> PolicyTestCase? {
        let before = problems.count
        let method = require("method")
        let path = require("path")
        let expected = readExpected()
        var risk = 0
        if let entry = values["risk"] {
            if let score = Int(entry.value), (0...100).contains(score) {
                risk = score
            } else {
                report(entry.line, "risk: expected a whole number from 0 to 100")
            }
        }
        var age: TimeInterval = 0
        if let entry = values["auth_age"] {
            do { age = try DurationText.parse(entry.value) } catch { report(entry.line, "auth_age: \(error)") }
        }
        if let path, !path.hasPrefix("/") {
            report(values["path"]?.line ?? line, "path: expected a path starting with '/'")
        }
        guard problems.count == before, let method, let path, let expected else { return nil }

        let proof = values["acr"].map { entry in
            AuthenticationProof(
                acr: entry.value,
                authTime: PolicyTestCase.now.addingTimeInterval(-age),
                amr: (values["amr"]?.value ?? "").split(separator: " ").map(String.init)
            )
        }
        let request = PolicyRequest(
            method: method,
            target: path,
            host: values["host"]?.value,
            body: Array((values["body"]?.value ?? "").utf8)
        )
        return PolicyTestCase(
            name: name,
            line: line,
            request: request,
            riskScore: risk,
            proof: proof,
            expected: expected
        )
    }

    private mutating func require(_ key: String) -> String? {
        guard let entry = values[key] else {
            report(line, "missing key \(key)")
            return nil
        }
        return entry.value
    }

    private mutating func readExpected() -> PolicyTestCase.Expectation? {
        guard let entry = values["expected"] else {
            report(line, "missing key expected; expected allow, deny, no_action or step_up LEVEL [MAX_AGE]")
            return nil
        }
        let words = entry.value.split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("allow", 1): return .allow
        case ("deny", 1): return .deny
        case ("no_action", 1): return .noAction
        case ("step_up", 2): return .stepUp(acr: words[1], maxAge: nil)
        case ("step_up", 3):
            do { return .stepUp(acr: words[1], maxAge: try DurationText.parse(words[2])) } catch {
                report(entry.line, "expected: \(error)")
                return nil
            }
        default:
            report(entry.line, "expected: expected allow, deny, no_action or step_up LEVEL [MAX_AGE]")
            return nil
        }
    }

    private mutating func report(_ line: Int, _ message: String) {
        problems.append(Problem(line: line, "case \(name): \(message)"))
    }
}
