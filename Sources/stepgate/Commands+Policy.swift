import Foundation
import StepgateCore
import StepgateServer

extension Commands {
    /// `policy check FILE`, `policy test FILE CASES` and `policy explain FILE KEY=VALUE...`:
    /// validate a policy, run expected decisions, explain one decision.
    static func policy(_ raw: [String]) throws {
        let help = Help.policy
        let arguments = try Arguments(raw, valued: common, help: help)
        if arguments.wantsHelp { return Output.print(help) }
        let words = arguments.positionals
        switch (words.first, words.count) {
        case ("check", 2):
            let policy = try loadPolicy(words[1], arguments, help: help)
            let bound = policy.actions.filter { !$0.binding.isEmpty }.count
            let rules = policy.actions.reduce(0) { $0 + $1.rules.count }
            Output.print(
                "\(words[1]): ok, \(policy.actions.count) actions (\(bound) bound), \(rules) rules, "
                    + "levels \(policy.levels.joined(separator: " "))"
            )
        case ("test", 3):
            let policy = try loadPolicy(words[1], arguments, help: help)
            let cases: [PolicyTestCase]
            do {
                cases = try PolicyTestCase.load(try readText(words[2], help: help))
            } catch let error as PolicyLoadError {
                throw ReportedFailure(lines: error.problems.map { "\(words[2]): \($0)" })
            }
            let results = cases.map { $0.run(against: policy) }
            for result in results { Output.print(result.summary) }
            let failed = results.filter { !$0.passed }.count
            Output.print("policy test: \(results.count - failed) passed, \(failed) failed")
            if failed > 0 { throw ReportedFailure(lines: ["\(words[2]): \(failed) of \(results.count) cases failed"]) }
        case ("explain", let count) where count >= 3:
            try explain(Array(words.dropFirst()), arguments, help: help)
        default:
            throw UsageError(
                "expected: policy check FILE | policy test FILE CASES | policy explain FILE KEY=VALUE...",
                help: help
            )
        }
    }

    /// The policy in `path`, checked against the configured levels (`levels`, default aal1 aal2 aal3).
    static func loadPolicy(_ path: String, _ arguments: Arguments, help: String) throws -> Policy {
        let levels = try configuration(arguments, help: help).assurance
        do {
            return try Policy.load(try readText(path, help: help), assurance: levels)
        } catch let error as PolicyLoadError {
            throw ReportedFailure(lines: error.problems.map { "\(path): \($0)" })
        }
    }

    private static func readText(_ path: String, help: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError("\(path): cannot be read", help: help)
        }
        guard let text = String(bytes: data, encoding: .utf8) else {
            throw UsageError("\(path): is not UTF-8 text", help: help)
        }
        return text
    }
}

/// A failure whose lines are printed to standard error, each prefixed `stepgate: `; exits 1.
struct ReportedFailure: Error {
    let lines: [String]
}
