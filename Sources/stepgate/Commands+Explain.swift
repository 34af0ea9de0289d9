import Foundation
import StepgateCore
import StepgateServer
import StepgateStore

extension Commands {
    /// `policy explain FILE KEY=VALUE...`: the matched action, every risk signal, the score, the
    /// rules that fired and the decision for a described request, under the configured risk
    /// settings. A what-if tool: nothing is read from or written to the store.
    static func explain(_ words: [String], _ arguments: Arguments, help: String) throws {
        let configuration = try configuration(arguments, help: help)
        let policy = try loadPolicy(words[0], arguments, help: help)
        var scenario: PolicyScenario
        do {
            scenario = try PolicyScenario(words: Array(words.dropFirst()), now: Date())
        } catch {
            throw ReportedFailure(lines: error.problems.map { "policy explain: \($0)" })
        }
        var geoNote = "given (country=)"
        if scenario.needsGeolocation {
            if let path = configuration.geoDatabasePath {
                let location = try GeoDatabase(path: path).location(of: scenario.risk.clientAddress)
                scenario = scenario.located(location)
                geoNote = location == nil ? "not in \(path)" : "from \(path)"
            } else {
                geoNote = "none (no country= and no geo.database configured)"
            }
        }
        let engine = try RiskEngine(configuration: configuration.risk)
        let explanation = PolicyExplanation(policy: policy, engine: engine, scenario: scenario)
        Output.print(
            ExplanationText.lines(explanation, scenario: scenario, geoNote: geoNote, configuration: configuration)
                .joined(separator: "\n")
        )
    }
}

/// The text `policy explain` prints: one labelled block per stage of the decision.
enum ExplanationText {
    static func lines(
        _ explanation: PolicyExplanation,
        scenario: PolicyScenario,
        geoNote: String,
        configuration: ServerConfiguration
    ) -> [String] {
        let request = scenario.request
        let host = request.host.map { " (host \($0))" } ?? ""
        let query = request.query.map { "?\($0)" } ?? ""
        var lines = ["request      \(request.method) \(request.path)\(query)\(host)"]
        lines.append("proof        " + proofText(scenario))
        lines.append("geolocation  \(geoNote)")
        guard let action = explanation.action else {
            if let denial = explanation.requirement?.denial {
                lines.append("action       none: the path is refused, \(denial)")
            } else {
                let unmatched = configuration.unmatchedRequests == .allow ? "allow" : "deny"
                lines.append("action       none covers this request (decide.unmatched = \(unmatched))")
            }
            lines.append("decision     \(explanation.outcome)")
            return lines
        }
        lines.append(
            "action       \(action.name) (line \(action.line)): \(action.method) \(action.path.description), "
                + "level \(action.level)" + (action.maxAge.map { ", max_age \(Int($0))s" } ?? "")
        )
        if !action.binding.isEmpty {
            lines.append("bound to     " + action.binding.map(\.description).joined(separator: " "))
        }
        if let field = action.amount {
            lines.append("amount       \(explanation.amount ?? "unknown") (from \(field))")
        }
        if let assessment = explanation.assessment {
            lines.append("signals")
            for signal in assessment.signals {
                let points = signal.outcome == .fired ? String(format: "%+d", signal.points) : ""
                let code = signal.code.rawValue.padding(toLength: 28, withPad: " ", startingAt: 0)
                let outcome = signal.outcome.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                lines.append(
                    "  \(outcome)\(code)\(points.padding(toLength: 5, withPad: " ", startingAt: 0))\(signal.note)"
                )
            }
            lines.append("score        \(assessment.score) of 100" + (assessment.denied ? ", deny-listed network" : ""))
        }
        if let requirement = explanation.requirement {
            for rule in action.rules {
                let fired = requirement.firedRules.contains { $0.line == rule.line }
                lines.append("rule         line \(rule.line): \(rule.text)  [\(fired ? "fired" : "not fired")]")
            }
            lines.append(
                "requirement  level \(requirement.level)"
                    + (requirement.maxAge.map { ", max_age \(Int($0))s" } ?? ", no max_age")
                    + (requirement.denial.map { "; denied: \($0)" } ?? "")
            )
            if let transaction = requirement.transaction {
                lines.append("transaction  hash \(transaction.hash)")
            }
        }
        lines.append("decision     \(explanation.outcome)")
        if explanation.needsGrant {
            lines.append("             (once, with a grant for exactly this transaction; without one: step_up)")
        }
        return lines
    }

    private static func proofText(_ scenario: PolicyScenario) -> String {
        guard let proof = scenario.proof else { return "none" }
        let age = Int(scenario.now.timeIntervalSince(proof.authTime))
        let amr = proof.amr.isEmpty ? "" : ", amr \(proof.amr.joined(separator: " "))"
        return "acr \(proof.acr), authenticated \(age)s ago\(amr)"
    }
}
