import Foundation

/// The report as JUnit XML (`junit.xml`) for CI: one `testcase` per case, classname
/// `probe.CATEGORY`, name the case ID; a failure carries its reason, a skip its reason, a
/// case for a person is a skip whose output lists the checklist. Each case's output lists
/// its exchanges (method, redacted URL, status). A load run is one more test case, `load`
/// (classname `probe.load`), failed when it broke an invariant.
public struct JUnitReportWriter: ReportWriter {
    public init() {}

    public var fileName: String { "junit.xml" }

    public func render(_ report: ProbeReport) throws -> [UInt8] {
        var report = report
        if let load = report.load { report.results.append(load.caseResult(startedAt: report.startedAt)) }
        let summary = report.summary
        let skipped = summary.skipped + summary.human
        let time = Self.seconds(report.seconds)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml +=
            "<testsuites name=\"stepgate probe\" tests=\"\(summary.total)\" failures=\"\(summary.failed)\" "
        xml += "errors=\"0\" skipped=\"\(skipped)\" time=\"\(time)\">\n"
        xml +=
            "  <testsuite name=\"\(Self.escape("stepgate probe " + report.issuer))\" tests=\"\(summary.total)\" "
        xml +=
            "failures=\"\(summary.failed)\" errors=\"0\" skipped=\"\(skipped)\" time=\"\(time)\" "
        xml += "timestamp=\"\(Self.timestamp(report.startedAt))\">\n"
        for result in report.results { xml += testCase(result) }
        xml += "  </testsuite>\n</testsuites>\n"
        return Array(xml.utf8)
    }

    private func testCase(_ result: CaseResult) -> String {
        let info = result.info
        var xml =
            "    <testcase classname=\"probe.\(Self.escape(info.category))\" name=\"\(Self.escape(info.id))\" "
        xml += "time=\"\(Self.seconds(result.seconds))\">\n"
        switch result.verdict {
        case .passed:
            break
        case .failed(let reason):
            xml += "      <failure message=\"\(Self.escape(reason))\" type=\"probe\">"
            xml += Self.escape("expected: \(info.expects)\nwhy: \(info.rationale)") + "</failure>\n"
        case .skipped(let reason):
            xml += "      <skipped message=\"\(Self.escape(reason))\"/>\n"
        case .human:
            xml += "      <skipped message=\"needs a person: see the checklist\"/>\n"
        }
        var output = ["\(info.title)", "sends: \(info.sends)", "expects: \(info.expects)"]
        if case .human(let items) = result.verdict { output += items.map { "[ ] " + $0 } }
        output += result.notes
        output += result.evidence.map { exchange in
            let status = exchange.status.map(String.init) ?? (exchange.error ?? "no response")
            return "\(exchange.method) \(exchange.url) -> \(status)"
        }
        xml += "      <system-out>\(Self.escape(output.joined(separator: "\n")))</system-out>\n"
        return xml + "    </testcase>\n"
    }

    /// `text` safe in XML 1.0 attributes and content: markup escaped, forbidden characters dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                guard value >= 0x20, value != 0xFFFE, value != 0xFFFF else { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func seconds(_ value: Double) -> String {
        String(format: "%.3f", value)
    }

    private static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter.string(
            from: date,
            timeZone: .gmt,
            formatOptions: [.withInternetDateTime]
        )
    }
}
