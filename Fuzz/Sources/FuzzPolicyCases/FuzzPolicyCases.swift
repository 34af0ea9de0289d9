import Foundation
import FuzzSupport
import StepgateCore

/// The policy the cases run against (a part of `examples/policy.conf`).
private let policy: Policy = {
    let text = """
        [action.transfer]
        method = POST
        path = /bank/transfer
        level = aal2
        bind = query.amount query.payee
        amount = query.amount
        rule = amount > 1000 -> level aal3
        rule = risk >= 70 -> deny

        [action.add_payee]
        method = POST
        path = /bank/payees
        level = aal2
        max_age = 5m

        [action.statements]
        method = GET
        path = /bank/statements/*
        level = aal1
        """
    do {
        return try Policy.load(text, levels: ["aal1", "aal2", "aal3"])
    } catch {
        fatalError("the fixed fuzzing policy does not load: \(error)")
    }
}()

/// `PolicyTestCase.load` (`stepgate policy test` case files) and `PolicyScenario(words:)`
/// (`stepgate policy explain` words) on arbitrary text: both operator-supplied.
///
/// Loaded cases have unique names, a path, a risk score from 0 to 100; written back to a file
/// they load to the same cases; run against a policy, a case passes exactly when the decision's
/// words are its `expected` words. A scenario reads the same whatever the order of its words.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyCases(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = FuzzInput(data, size).text
    if let cases = try? PolicyTestCase.load(text) {
        check(cases)
    }
    let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
    if words.count <= 32, let scenario = try? PolicyScenario(words: words, now: PolicyTestCase.now) {
        require(scenario.request.path.hasPrefix("/"), "a scenario path without '/'")
        guard let reversed = try? PolicyScenario(words: words.reversed(), now: PolicyTestCase.now) else {
            fatalError("property violated: the scenario's words in reverse order do not read")
        }
        require(Case(scenario.request, proof: scenario.proof) == Case(reversed.request, proof: reversed.proof), "order")
    }
    return 0
}

private func check(_ cases: [PolicyTestCase]) {
    require(!cases.isEmpty, "a case file without cases")
    require(Set(cases.map(\.name)).count == cases.count, "two cases with one name")
    for testCase in cases {
        require(testCase.request.path.hasPrefix("/"), "a case path without '/'")
        require((0...100).contains(testCase.riskScore), "a risk score out of range")
        let result = testCase.run(against: policy)
        require(result.passed == (result.actual == testCase.expected.description), "passed differs from the words")
    }
    let written = cases.map(render).joined(separator: "\n")
    let reloaded: [PolicyTestCase]
    do {
        reloaded = try PolicyTestCase.load(written)
    } catch {
        fatalError("property violated: written cases do not load: \(error.problems)")
    }
    require(reloaded.map(Case.init) == cases.map(Case.init), "written cases read differently")
}

/// What a case says, without its line: what must survive writing the cases back.
private struct Case: Equatable {
    let name: String
    let method: String
    let path: String
    let query: String?
    let host: String?
    let body: [UInt8]
    let riskScore: Int
    let proof: AuthenticationProof?
    var expected: PolicyTestCase.Expectation?

    init(_ testCase: PolicyTestCase) {
        self.init(testCase.request, proof: testCase.proof, name: testCase.name, riskScore: testCase.riskScore)
        self.expected = testCase.expected
    }

    init(_ request: PolicyRequest, proof: AuthenticationProof?, name: String = "", riskScore: Int = 0) {
        self.name = name
        method = request.method
        path = String(request.path)
        query = request.query.map(String.init)
        host = request.host
        body = request.body
        self.riskScore = riskScore
        self.proof = proof
        expected = nil
    }
}

/// One case as a `[case.NAME]` section, every value quoted.
private func render(_ testCase: PolicyTestCase) -> String {
    let request = testCase.request
    var lines = ["[case.\(testCase.name)]"]
    lines.append("method = \(quoted(request.method))")
    lines.append("path = \(quoted(String(request.path) + (request.query.map { "?" + $0 } ?? "")))")
    if let host = request.host { lines.append("host = \(quoted(host))") }
    if !request.body.isEmpty { lines.append("body = \(quoted(String(decoding: request.body, as: UTF8.self)))") }
    lines.append("risk = \(testCase.riskScore)")
    if let proof = testCase.proof {
        lines.append("acr = \(quoted(proof.acr))")
        lines.append("auth_age = \(Int(PolicyTestCase.now.timeIntervalSince(proof.authTime)))")
        lines.append("amr = \(quoted(proof.amr.joined(separator: " ")))")
    }
    lines.append("expected = \(quoted(testCase.expected.description))")
    return lines.joined(separator: "\n")
}

private func quoted(_ value: String) -> String {
    "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
