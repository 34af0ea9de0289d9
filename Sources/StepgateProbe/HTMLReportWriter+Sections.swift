import Foundation

private typealias Markup = HTMLReportMarkup

extension HTMLReportWriter {
    /// "For a person": each checklist case's items as check boxes with what to look for, and
    /// the checklist cases that were skipped, with why. Empty when the run had neither.
    func checklistSection(_ report: ProbeReport) -> String {
        let checklists = report.results.filter { $0.verdict.status == "human" }
        let skipped = report.results.filter { $0.info.category == "human" && $0.verdict.status == "skip" }
        guard !checklists.isEmpty || !skipped.isEmpty else { return "" }
        var html = "<section id=\"checklist\">\n<h2>For a person</h2>\n"
        html += "<p>The probe cannot check these by itself. Work through each item with a real device and "
        html += "tick what holds; an item left unticked is a finding. Print the page to keep the ticks.</p>\n"
        for result in checklists {
            let anchor = Markup.anchor(result.info.id)
            html += "<div class=\"person\">\n<h3>\(Markup.escape(result.info.title)) "
            html += "<code>\(Markup.escape(result.info.id))</code></h3>\n"
            html += "<p><strong>Why it matters:</strong> \(Markup.escape(result.info.rationale)).</p>\n"
            html += "<p>Look for each of these, and tick it when it holds:</p>\n"
            html += "<ul class=\"checklist\">\n"
            if case .human(let items) = result.verdict {
                for (index, item) in items.enumerated() {
                    let box = "check-\(anchor)-\(index + 1)"
                    html += "<li><input type=\"checkbox\" id=\"\(box)\"/><label for=\"\(box)\">"
                    html += "\(Markup.escape(item))</label></li>\n"
                }
            }
            html += "</ul>\n</div>\n"
        }
        if !skipped.isEmpty {
            html += "<p>Not asked of a person in this run:</p>\n<ul>\n"
            for result in skipped {
                html += "<li>\(Markup.escape(result.info.title)) <code>\(Markup.escape(result.info.id))</code>: "
                html += "<span class=\"reason\">\(Markup.escape(result.verdict.reason ?? ""))</span></li>\n"
            }
            html += "</ul>\n"
        }
        return html + "</section>\n"
    }

    /// "Since the baseline": counts, then each group of changes.
    func baselineSection(_ baseline: BaselineComparison, _ report: ProbeReport) -> String {
        var html = "<section id=\"baseline\">\n<h2>Since the baseline</h2>\n<p>Compared case by case with "
        html += "the run of \(Markup.escape(Markup.date(baseline.baselineStartedAt))) "
        html += "(\(Markup.escape(baseline.baselineTool)))"
        if baseline.baselineIssuer != report.issuer {
            html += ", which ran against another target: <code>\(Markup.escape(baseline.baselineIssuer))</code>"
        }
        html += ".</p>\n<ul class=\"counts\">\n"
        for (status, number, label) in [
            ("fail", baseline.regressions.count, "regressed"), ("pass", baseline.fixes.count, "fixed"),
            ("skip", baseline.newCases.count, "new"), ("skip", baseline.removedCases.count, "not run"),
            ("skip", baseline.unchanged, "unchanged"),
        ] {
            html += "<li class=\"\(status)\"><strong>\(number)</strong>\(label)</li>\n"
        }
        html += "</ul>\n"
        guard baseline.hasChanges else {
            return html + "<p>Nothing changed: every case ended as it did then.</p>\n</section>\n"
        }
        html += changes("Regressions: passed then, fail now", baseline.regressions, linked: true) { change in
            "<span class=\"reason fail\">\(Markup.escape(change.after?.reason ?? ""))</span>"
        }
        html += changes("Fixed: failed then, pass now", baseline.fixes, linked: true) { change in
            "<span class=\"reason\">was: \(Markup.escape(change.before?.reason ?? ""))</span>"
        }
        html += changes("Skipped for another reason", baseline.skipReasonChanges, linked: true) { change in
            "<span class=\"reason\">\(Markup.escape(change.before?.reason ?? "")) → "
                + "\(Markup.escape(change.after?.reason ?? ""))</span>"
        }
        html += changes("Other changes of status", baseline.otherChanges, linked: true) { change in
            "\(Markup.badge(change.before?.status ?? "")) → \(Markup.badge(change.after?.status ?? ""))"
        }
        html += changes("New cases", baseline.newCases, linked: true) { change in
            Markup.badge(change.after?.status ?? "")
        }
        html += changes("In the baseline, not in this run", baseline.removedCases, linked: false) { change in
            "was \(Markup.badge(change.before?.status ?? ""))"
        }
        return html + "</section>\n"
    }

    private func changes(
        _ heading: String,
        _ list: [BaselineComparison.Change],
        linked: Bool,
        detail: (BaselineComparison.Change) -> String
    ) -> String {
        guard !list.isEmpty else { return "" }
        var html = "<h3>\(Markup.escape(heading))</h3>\n<ul class=\"change-list\">\n"
        for change in list {
            let id =
                linked
                ? "<a href=\"#\(Markup.anchor(change.id))\"><code>\(Markup.escape(change.id))</code></a>"
                : "<code>\(Markup.escape(change.id))</code>"
            html += "<li>\(id) \(Markup.escape(change.title)): \(detail(change))</li>\n"
        }
        return html + "</ul>\n"
    }

    /// One load run: figures, latency, errors by kind, broken invariants, and the histogram.
    func loadSection(_ section: HTMLReportLoadSection, index: Int) -> String {
        var html = "<section class=\"load\" id=\"load-\(index + 1)\">\n"
        html += "<h2>\(Markup.escape(section.title))</h2>\n"
        if section.violationCount > 0 {
            let broken = Markup.count(section.violationCount, "security invariant", "security invariants")
            html += "<p class=\"headline fail\">\(broken) broken under load.</p>\n"
        }
        html += "<dl class=\"facts\">\n"
        html += fact("Virtual users", "\(section.users)")
        var measured = "\(section.samples) in \(Markup.seconds(section.seconds))"
        if section.warmUpSamples > 0 { measured += " (\(section.warmUpSamples) more in the warm-up, not counted)" }
        html += fact("Iterations measured", Markup.escape(measured))
        html += fact("Throughput", String(format: "%.1f iterations per second", section.throughput))
        let failures = section.samples - section.successes
        html += fact("Errors", String(format: "%.2f%% (%d of %d)", section.errorRate * 100, failures, section.samples))
        html += fact("Broken invariants", "\(section.violationCount)")
        html += "</dl>\n"
        html += latencyTable(section.latency)
        if !section.errors.isEmpty {
            html += "<h3>Errors by kind</h3>\n<table>\n<thead><tr><th scope=\"col\">Kind</th>"
            html += "<th scope=\"col\" class=\"num\">Count</th></tr></thead>\n<tbody>\n"
            for (kind, count) in section.errors.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
                html += "<tr><td><code>\(Markup.escape(kind))</code></td><td class=\"num\">\(count)</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        if !section.violations.isEmpty {
            html += "<h3>Broken invariants</h3>\n<ol>\n"
            for violation in section.violations { html += "<li>\(Markup.escape(violation))</li>\n" }
            html += "</ol>\n"
        }
        html += "<h3>Latency of the measured iterations</h3>\n"
        html += HTMLReportHistogram(
            counts: section.histogram,
            title: "Latency of \(section.samples) load iterations",
            unit: ("iteration", "iterations"),
            identifier: "histogram-load-\(index + 1)"
        ).svg()
        return html + "\n</section>\n"
    }

    private func latencyTable(_ latency: HTMLReportLoadSection.Latency) -> String {
        let columns = [
            ("min", latency.min), ("mean", latency.mean), ("p50", latency.p50), ("p90", latency.p90),
            ("p99", latency.p99), ("max", latency.max),
        ]
        var html = "<table class=\"latency\">\n<thead><tr>"
        for (name, _) in columns { html += "<th scope=\"col\" class=\"num\">\(name)</th>" }
        html += "</tr></thead>\n<tbody><tr>"
        for (_, value) in columns {
            html += "<td class=\"num\">\(Markup.escape(Markup.milliseconds(value)))</td>"
        }
        return html + "</tr></tbody>\n</table>\n"
    }
}
