import Foundation
import StepgateProbe
import Testing

@Suite struct LoadReportTests {
    private static func result() -> LoadResult {
        var result = LoadResult()
        result.users = 4
        result.samples = 10
        result.successes = 9
        result.elapsed = .seconds(2)
        result.throughput = 5
        result.latency.p50 = .milliseconds(120)
        result.latency.p99 = .milliseconds(300)
        result.errors = ["transport": 1]
        result.violationCount = 1
        result.violations = [
            LoadResult.Violation(
                user: 2,
                iteration: 3,
                time: .milliseconds(1500),
                note: "an authorization code was redeemed twice"
            )
        ]
        return result
    }

    private static func report(with load: LoadReport?) -> ProbeReport {
        var report = ProbeReport(
            tool: "stepgate probe test",
            issuer: "http://127.0.0.1:9",
            clientID: "probe",
            startedAt: Date(timeIntervalSince1970: 1_700_000_000),
            seconds: 3,
            results: []
        )
        report.load = load
        return report
    }

    @Test func json_carriesTheLoadObject() throws {
        let load = LoadReport(
            plan: LoadPlan(users: 4, limit: .duration(.seconds(5))),
            resource: "api",
            network: true,
            result: Self.result()
        )
        let data = Data(try JSONReportWriter().render(Self.report(with: load)))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let json = try #require(object["load"] as? [String: Any])

        #expect(json["status"] as? String == "ran")
        #expect(json["through_fault_proxy"] as? Bool == true)
        #expect(json["duration_seconds"] as? Double == 5)
        #expect(json["samples"] as? Int == 10)
        #expect(json["error_rate"] as? Double == 0.1)
        #expect((json["latency_ms"] as? [String: Any])?["p99"] as? Double == 300)
        #expect((json["errors"] as? [String: Int]) == ["transport": 1])
        #expect(json["violation_count"] as? Int == 1)
        #expect(try JSONReportWriter.decode(Array(data)).load == load)
    }

    @Test func brokenInvariant_failsTheRunAndShowsInEveryFormat() throws {
        let load = LoadReport(
            plan: LoadPlan(users: 4, limit: .iterations(3)),
            resource: "api",
            network: false,
            result: Self.result()
        )
        let report = Self.report(with: load)

        #expect(report.hasFailures)
        #expect(load.summaryLines.contains("load: 1 broken security invariants"))
        #expect(load.summaryLines.contains { $0.contains("an authorization code was redeemed twice") })
        let junit = String(decoding: try JUnitReportWriter().render(report), as: UTF8.self)
        #expect(junit.contains("<testcase classname=\"probe.load\" name=\"load\""))
        #expect(junit.contains("failures=\"1\""))
        #expect(junit.contains("1 security invariants broke under load: an authorization code was redeemed twice"))
        let html = String(decoding: try HTMLReportWriter().render(report), as: UTF8.self)
        #expect(html.contains("Load: complete step-ups for api"))
        #expect(html.contains("an authorization code was redeemed twice"))
    }

    @Test func errorsAlone_doNotFailTheRun() {
        var result = Self.result()
        result.violationCount = 0
        result.violations = []
        let load = LoadReport(plan: LoadPlan(), resource: "api", network: false, result: result)

        #expect(!Self.report(with: load).hasFailures)
    }
}
