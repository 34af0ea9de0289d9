import Foundation
import Testing

@testable import StepgateProbe

/// `--baseline`: each transition between two runs lands in exactly one group, and a baseline
/// that cannot be used is refused with one line naming the file.
@Suite struct BaselineComparisonTests {
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    static func report(_ verdicts: [(String, Verdict)], tool: String = "stepgate probe 0.1.0") -> ProbeReport {
        ProbeReport(
            tool: tool,
            issuer: "http://127.0.0.1:9",
            clientID: "probe",
            startedAt: start,
            seconds: 1,
            results: verdicts.map { id, verdict in
                CaseResult(
                    info: CaseInfo(id: id, title: id, category: "c", sends: "s", expects: "e", rationale: "r"),
                    verdict: verdict,
                    startedAt: start,
                    seconds: 0
                )
            }
        )
    }

    enum Group: String, CaseIterable, Sendable {
        case regression, fix, skipReason, other, new, removed, unchanged
    }

    static func group(of id: String, in comparison: BaselineComparison) -> [Group] {
        let lists: [(Group, [BaselineComparison.Change])] = [
            (.regression, comparison.regressions), (.fix, comparison.fixes),
            (.skipReason, comparison.skipReasonChanges), (.other, comparison.otherChanges),
            (.new, comparison.newCases), (.removed, comparison.removedCases),
        ]
        return lists.filter { $0.1.contains { $0.id == id } }.map(\.0)
    }

    @Test(
        arguments: [
            (Verdict.passed, Verdict.failed("broke"), Group.regression),
            (.failed("broke"), .passed, .fix),
            (.skipped("no seed"), .skipped("no second_user"), .skipReason),
            (.skipped("no seed"), .skipped("no seed"), .unchanged),
            (.passed, .skipped("no seed"), .other),
            (.skipped("no seed"), .failed("broke"), .other),
            (.failed("broke"), .skipped("no seed"), .other),
            (.human(["a"]), .skipped("no webauthn"), .other),
            (.passed, .passed, .unchanged),
            (.failed("one reason"), .failed("another"), .unchanged),
            (.human(["a"]), .human(["a", "b"]), .unchanged),
        ]
    )
    func compare_putsEachTransitionInOneGroup(before: Verdict, after: Verdict, expected: Group) {
        let comparison = BaselineComparison(
            baseline: Self.report([("case.x", before)]),
            current: Self.report([("case.x", after)])
        )
        let groups = Self.group(of: "case.x", in: comparison)
        if expected == .unchanged {
            #expect(groups.isEmpty && comparison.unchanged == 1 && !comparison.hasChanges)
        } else {
            #expect(groups == [expected] && comparison.unchanged == 0 && comparison.hasChanges)
        }
        #expect(comparison.hasRegressions == (expected == .regression))
        if expected == .regression {
            #expect(comparison.regressions[0].before == before && comparison.regressions[0].after == after)
        }
    }

    @Test func compare_findsNewAndRemovedCasesInOrder() {
        let comparison = BaselineComparison(
            baseline: Self.report([("a", .passed), ("gone.1", .passed), ("gone.2", .failed("x"))]),
            current: Self.report([("new.1", .skipped("s")), ("a", .passed), ("new.2", .passed)])
        )
        #expect(comparison.newCases.map(\.id) == ["new.1", "new.2"])
        #expect(comparison.newCases.allSatisfy { $0.before == nil })
        #expect(comparison.removedCases.map(\.id) == ["gone.1", "gone.2"])
        #expect(comparison.removedCases.map(\.before) == [.passed, .failed("x")])
        #expect(comparison.removedCases.allSatisfy { $0.after == nil })
        #expect(comparison.unchanged == 1)
        #expect(!comparison.hasRegressions)
    }

    @Test func compare_countsADuplicatedIDOnce() {
        let comparison = BaselineComparison(
            baseline: Self.report([("a", .passed), ("a", .failed("x"))]),
            current: Self.report([("a", .failed("y")), ("a", .passed)])
        )
        #expect(comparison.regressions.map(\.id) == ["a"])
        #expect(comparison.fixes.isEmpty && comparison.removedCases.isEmpty && comparison.newCases.isEmpty)
    }

    @Test func summaryLines_countEveryGroupAndNameRegressions() {
        let comparison = BaselineComparison(
            baseline: Self.report([("a", .passed), ("b", .failed("x")), ("c", .passed), ("d", .skipped("p"))]),
            current: Self.report([("a", .failed("it broke")), ("b", .passed), ("d", .skipped("q")), ("e", .passed)])
        )
        #expect(
            comparison.summaryLines == [
                "since the baseline of 2023-11-14T22:13:20Z: 1 regression, 1 fixed, 1 new, 1 not run, "
                    + "1 skip reason changed, 0 unchanged",
                "  regressed: a: it broke",
                "  fixed: b",
            ]
        )
    }

    @Test func jsonReport_carriesTheComparisonAndReadsItBack() throws {
        var report = Self.report([("a", .failed("it broke")), ("n", .passed)])
        report.baseline = BaselineComparison(baseline: Self.report([("a", .passed)]), current: report)
        let json = try JSONReportWriter().render(report)
        let text = String(decoding: json, as: UTF8.self)

        #expect(text.contains("\"baseline\" : {"))
        #expect(text.contains("\"regressions\" : ["))
        #expect(text.contains("\"new_cases\" : ["))
        #expect(text.contains("\"baseline_started_at\" : \"2023-11-14T22:13:20Z\""))
        let decoded = try BaselineReader.decode(json, path: "report.json")
        #expect(decoded.baseline == report.baseline)
        let plain = try JSONReportWriter().render(Self.report([("a", .passed)]))
        #expect(!String(decoding: plain, as: UTF8.self).contains("\"baseline\""))
        #expect(try BaselineReader.decode(plain, path: "p").baseline == nil)
    }

    @Test(
        arguments: [
            ("{not json", "--baseline b.json: is not a stepgate probe JSON report (not JSON)"),
            ("[1, 2]", "--baseline b.json: is not a stepgate probe JSON report (the top level has the wrong type)"),
            (
                #"{"tool":"stepgate probe 0.1.0","issuer":"i","client_id":"c","started_at":"2023-11-14T22:13:20Z","seconds":1}"#,
                "--baseline b.json: is not a stepgate probe JSON report (results is missing)"
            ),
            (
                #"{"tool":"t","issuer":"i","client_id":"c","started_at":"2023-11-14T22:13:20Z","seconds":1,"results":[{"case":{}}]}"#,
                "--baseline b.json: is not a stepgate probe JSON report (results[0].case.id is missing)"
            ),
        ]
    )
    func decode_refusesWhatIsNotAReport(text: String, message: String) {
        let error = #expect(throws: BaselineError.self) {
            try BaselineReader.decode(Array(text.utf8), path: "b.json")
        }
        #expect(error?.code == .notAReport)
        #expect(error?.description == message)
    }

    @Test func decode_refusesAnotherToolsReport() throws {
        let json = try JSONReportWriter().render(Self.report([("a", .passed)], tool: "other harness 2"))
        #expect(throws: BaselineError(.incompatible, path: "x", "was not written by stepgate probe")) {
            try BaselineReader.decode(json, path: "x")
        }
    }

    @Test func read_refusesAMissingFileOrAFolder() {
        for path in ["/nonexistent/stepgate-baseline.json", NSTemporaryDirectory()] {
            #expect(throws: BaselineError(.unreadable, path: path, "cannot be read")) {
                try BaselineReader.read(path: path)
            }
        }
    }

    @Test func read_returnsAReportWrittenByTheJSONWriter() throws {
        let path = NSTemporaryDirectory() + "/baseline-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = Self.report([("a", .passed), ("b", .skipped("s"))])
        try JSONReportWriter().write(report, to: path)

        let read = try BaselineReader.read(path: path)

        #expect(read.results.map(\.verdict) == report.results.map(\.verdict))
        #expect(read.startedAt == report.startedAt)
    }
}
