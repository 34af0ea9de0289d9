import Foundation
import StepgateCore
import StepgateProbe
import Testing

@Suite struct ProbeRunnerTests {
    static let target = try! TargetDescription.parse(  // Safety: a fixed, valid document.
        Array(
            """
            issuer: http://127.0.0.1:9
            client: {id: probe, redirect_uri: "http://127.0.0.1:9/cb"}
            user: {username: demo, password: s3cret-password}
            """.utf8
        ),
        environment: [:]
    )

    static func info(_ id: String, needs: [Capability] = []) -> CaseInfo {
        CaseInfo(id: id, title: id, category: "test", sends: "s", expects: "e", rationale: "r", needs: needs)
    }

    static let cases: [any ProbeCase] = [
        ScriptedCase(info("test.pass")) { _ in .passed },
        ScriptedCase(info("test.fail")) { _ in throw CaseFailed("it broke with s3cret-password inside") },
        ScriptedCase(info("test.skip")) { _ in throw CaseSkipped("not here") },
        ScriptedCase(info("test.needs", needs: [.secondUser])) { _ in .passed },
        ScriptedCase(info("test.human")) { _ in .human(["look at it"]) },
        ScriptedCase(info("test.error")) { _ in throw ProbeError(.transport, "GET /: connectFailed") },
    ]

    private func run(_ selection: CaseSelection = CaseSelection()) throws -> ProbeReport {
        let clock = InsecureTestClock(Date(timeIntervalSince1970: 1_700_000_000))
        let runner = ProbeRunner(
            target: Self.target,
            cases: Self.cases,
            options: RunOptions(selection: selection),
            clock: clock,
            sleeper: ClockSleeper(clock)
        )
        return try runner.run()
    }

    @Test func run_mapsOutcomesToVerdicts() throws {
        let report = try run()
        let verdicts = Dictionary(uniqueKeysWithValues: report.results.map { ($0.info.id, $0.verdict) })
        #expect(verdicts["test.pass"] == .passed)
        #expect(verdicts["test.skip"] == .skipped("not here"))
        #expect(verdicts["test.needs"] == .skipped("the target file has no second_user"))
        #expect(verdicts["test.human"] == .human(["look at it"]))
        #expect(verdicts["test.error"] == .failed("transport: GET /: connectFailed"))
        #expect(report.summary == ProbeReport.Summary(passed: 1, failed: 2, skipped: 2, human: 1))
        #expect(report.hasFailures)
    }

    @Test func run_redactsSecretsThatReachAReason() throws {
        let report = try run()
        let failed = report.results.first { $0.info.id == "test.fail" }?.verdict.reason ?? ""
        #expect(failed.hasPrefix("it broke with <redacted #"))
        #expect(!failed.contains("s3cret-password"))
    }

    @Test func run_followsTheSelection() throws {
        let report = try run(CaseSelection(only: "test.*", skip: "test.fail,test.error"))
        #expect(report.results.map(\.info.id) == ["test.pass", "test.skip", "test.needs", "test.human"])
        #expect(!report.hasFailures)
    }

    @Test func reports_roundTripThroughJSONAndRenderJUnit() throws {
        let report = try run()
        let json = try JSONReportWriter().render(report)
        let decoded = try JSONReportWriter.decode(json)
        #expect(decoded.results.map(\.verdict) == report.results.map(\.verdict))
        #expect(decoded.summary == report.summary)
        #expect(String(decoding: json, as: UTF8.self).contains("\"summary\""))
        let xml = String(decoding: try JUnitReportWriter().render(report), as: UTF8.self)
        #expect(xml.contains("tests=\"6\" failures=\"2\" errors=\"0\" skipped=\"3\""))
        #expect(xml.contains("<testcase classname=\"probe.test\" name=\"test.fail\""))
        #expect(xml.contains("<skipped message=\"the target file has no second_user\"/>"))
        #expect(xml.contains("[ ] look at it"))
        #expect(!xml.contains("s3cret-password"))
    }

    @Test func junit_escapesMarkupAndDropsForbiddenCharacters() throws {
        let result = CaseResult(
            info: Self.info("test.markup"),
            verdict: .failed("a<b>&\"c'\u{1}\u{0}d"),
            startedAt: Date(timeIntervalSince1970: 0),
            seconds: 0
        )
        let report = ProbeReport(
            tool: "t",
            issuer: "i",
            clientID: "c",
            startedAt: Date(timeIntervalSince1970: 0),
            seconds: 0,
            results: [result]
        )
        let xml = String(decoding: try JUnitReportWriter().render(report), as: UTF8.self)
        #expect(xml.contains("message=\"a&lt;b&gt;&amp;&quot;c&apos;d\""))
    }
}
