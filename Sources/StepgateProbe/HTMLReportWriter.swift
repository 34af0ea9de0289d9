private typealias Markup = HTMLReportMarkup

/// The report as one self-contained HTML page (`report.html`): inline style, inline SVG, no
/// request to anywhere, readable on a phone and on paper, and usable without scripts.
///
/// In order: the target and the run; a summary for a person with counts, what failed and a
/// histogram of every exchange's latency; what changed since the baseline (when the report has
/// one); each load run (when the report is an `HTMLReportLoadSource`, plus `load`); the
/// checklist for a person; a table of the cases by category; and each case in full: what it
/// sends, what must happen and why, its verdict, timing, notes, a latency histogram of its
/// exchanges, and the exchanges themselves.
///
/// Everything taken from the report is HTML-escaped. The evidence is shown as recorded: it was
/// redacted then (`Redactor`), and this writer neither removes nor restores anything.
public struct HTMLReportWriter: ReportWriter {
    /// Load runs drawn after those the report itself carries.
    public var load: [HTMLReportLoadSection]

    public init(load: [HTMLReportLoadSection] = []) {
        self.load = load
    }

    public var fileName: String { "report.html" }

    public func render(_ report: ProbeReport) throws -> [UInt8] {
        Array(document(report).utf8)
    }

    /// The whole page.
    func document(_ report: ProbeReport) -> String {
        let carried = ((report as Any) as? any HTMLReportLoadSource)?.htmlLoadSections ?? []
        let loadSections = carried + load
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        html += "<meta http-equiv=\"Content-Security-Policy\" content=\""
        html += Markup.escape(HTMLReportStyle.contentSecurityPolicy) + "\"/>\n"
        html += "<meta name=\"generator\" content=\"\(Markup.escape(report.tool))\"/>\n"
        html += "<title>\(Markup.escape(pageTitle(report)))</title>\n"
        html += "<style>\n\(HTMLReportStyle.css)\n</style>\n"
        html += "<script>\(HTMLReportStyle.script)</script>\n</head>\n<body>\n<main>\n"
        html += header(report, violations: loadSections.reduce(0) { $0 + $1.violationCount })
        html += summary(report)
        if let baseline = report.baseline { html += baselineSection(baseline, report) }
        for (index, section) in loadSections.enumerated() {
            html += loadSection(section, index: index)
        }
        html += checklistSection(report)
        html += caseTable(report)
        html += caseDetails(report)
        html += footer()
        return html + "</main>\n</body>\n</html>\n"
    }

    private func pageTitle(_ report: ProbeReport) -> String {
        let summary = report.summary
        let outcome = summary.failed > 0 ? "\(summary.failed) failed" : "no failure"
        return "stepgate probe: \(report.issuer) (\(outcome))"
    }

    private func header(_ report: ProbeReport, violations: Int) -> String {
        let failing = report.summary.failed > 0 || violations > 0
        var html = "<header>\n<h1>stepgate probe report</h1>\n"
        html += "<p class=\"headline \(failing ? "fail" : "pass")\">"
        html += Markup.escape(headline(report, violations: violations)) + "</p>\n"
        html += "<dl class=\"facts\">\n"
        html += fact("Target (issuer)", "<code>\(Markup.escape(report.issuer))</code>")
        html += fact("Client", "<code>\(Markup.escape(report.clientID))</code>")
        html += fact("Started", Markup.escape(Markup.date(report.startedAt)))
        html += fact("Took", Markup.escape(Markup.seconds(report.seconds)))
        html += fact("Probe", Markup.escape(report.tool))
        return html + "</dl>\n</header>\n"
    }

    /// The run in one sentence or two: failures, broken invariants, regressions.
    private func headline(_ report: ProbeReport, violations: Int) -> String {
        let summary = report.summary
        var headline: String
        if summary.total == 0 {
            headline = "No case ran."
        } else if summary.failed > 0 {
            headline = "\(summary.failed) of \(Markup.count(summary.total, "case", "cases")) failed."
        } else {
            let parts = [
                (summary.passed, "passed"), (summary.skipped, "skipped"), (summary.human, "for a person"),
            ]
            let counts = parts.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
            headline = "No case failed (\(counts.joined(separator: ", ")))."
        }
        if violations > 0 {
            let broken = Markup.count(violations, "security invariant", "security invariants")
            headline += " \(broken) broken under load."
        }
        if let regressions = report.baseline?.regressions.count, regressions > 0 {
            headline += " \(Markup.count(regressions, "regression", "regressions")) since the baseline."
        }
        return headline
    }

    private func summary(_ report: ProbeReport) -> String {
        let summary = report.summary
        var html = "<section id=\"summary\">\n<h2>Summary</h2>\n<ul class=\"counts\">\n"
        for (status, number, label) in [
            ("pass", summary.passed, "passed"), ("fail", summary.failed, "failed"),
            ("skip", summary.skipped, "skipped"), ("human", summary.human, "for a person"),
        ] {
            html += "<li class=\"\(status)\"><strong>\(number)</strong>\(label)</li>\n"
        }
        html += "</ul>\n<ul>\n"
        for sentence in plainSummary(summary) { html += "<li>\(Markup.escape(sentence))</li>\n" }
        html += "</ul>\n"
        let failures = report.results.filter { $0.verdict.status == "fail" }
        if !failures.isEmpty {
            html += "<h3>What failed</h3>\n<ul>\n"
            for result in failures {
                html += "<li>\(caseLink(result.info)) \(Markup.escape(result.info.title)): "
                html += "<span class=\"reason fail\">\(Markup.escape(result.verdict.reason ?? ""))</span></li>\n"
            }
            html += "</ul>\n"
        }
        let latencies = report.results.flatMap { $0.evidence.map(\.milliseconds) }
        if !latencies.isEmpty {
            html += "<h3>Latency of every exchange</h3>\n"
            html += HTMLReportHistogram(
                counts: HTMLReportHistogram.counts(milliseconds: latencies),
                title: "Latency of all \(Markup.count(latencies.count, "exchange", "exchanges")) in the run",
                unit: ("exchange", "exchanges"),
                identifier: "histogram-run"
            ).svg()
            html += "\n"
        }
        return html + "</section>\n"
    }

    /// The counts in sentences, for a reader who does not know the probe.
    private func plainSummary(_ summary: ProbeReport.Summary) -> [String] {
        var sentences: [String] = []
        if summary.passed > 0 {
            sentences.append(
                "\(Markup.count(summary.passed, "case", "cases")) passed: what "
                    + (summary.passed == 1 ? "it checks" : "each checks") + " held against this target."
            )
        }
        if summary.failed > 0 {
            sentences.append(
                "\(summary.failed) failed: the target did not answer as a careful provider must (or the probe "
                    + "could not reach it). Each failure says what did not hold."
            )
        }
        if summary.skipped > 0 {
            sentences.append(
                "\(summary.skipped) skipped: the target file or the target lacks what "
                    + (summary.skipped == 1 ? "it needs; the case says what." : "they need; each says what.")
            )
        }
        if summary.human > 0 {
            sentences.append(
                "\(summary.human) need a person: the probe cannot check "
                    + (summary.human == 1 ? "it" : "them") + " by itself; work through the checklist below."
            )
        }
        return sentences
    }

    private func footer() -> String {
        "<footer>\n<h2>About this report</h2>\n<p class=\"muted\">Evidence was redacted when it was recorded: "
            + "codes, tokens, passwords, seeds, cookies, CSRF tokens and WebAuthn ceremonies appear as "
            + "<code>&lt;redacted #abcd&gt;</code>, a fingerprint under a key made for this run, so the same "
            + "value shows the same fingerprint without being revealed. Bodies are cut at 512 bytes. "
            + "Histograms count latencies in fixed log-scale buckets (1, 2, 5 per decade), the same in "
            + "every report.</p>\n</footer>\n"
    }

    func fact(_ name: String, _ valueHTML: String) -> String {
        "<dt>\(Markup.escape(name))</dt><dd>\(valueHTML)</dd>\n"
    }

    func caseLink(_ info: CaseInfo) -> String {
        "<a href=\"#\(Markup.anchor(info.id))\"><code>\(Markup.escape(info.id))</code></a>"
    }
}
