private typealias Markup = HTMLReportMarkup

extension HTMLReportWriter {
    /// The results grouped by category, categories in the order they first ran.
    func groups(_ results: [CaseResult]) -> [(category: String, results: [CaseResult])] {
        var order: [String] = []
        var grouped: [String: [CaseResult]] = [:]
        for result in results {
            if grouped[result.info.category] == nil { order.append(result.info.category) }
            grouped[result.info.category, default: []].append(result)
        }
        return order.map { ($0, grouped[$0] ?? []) }
    }

    /// One table of every case: a header row per category, then status, ID and title with the
    /// reason, and time.
    func caseTable(_ report: ProbeReport) -> String {
        guard !report.results.isEmpty else { return "" }
        var html = "<section id=\"cases\">\n<h2>Cases</h2>\n<table class=\"cases\">\n"
        html += "<thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Case</th>"
        html += "<th scope=\"col\" class=\"num\">Time</th></tr></thead>\n"
        for (category, results) in groups(report.results) {
            let tally = Self.tally(results)
            html += "<tbody>\n<tr><th class=\"group\" colspan=\"3\" scope=\"rowgroup\">"
            html += "<span class=\"category\">\(Markup.escape(category))</span> "
            html += "<span class=\"muted\">(\(Markup.escape(tally)))</span></th></tr>\n"
            for result in results {
                html += "<tr class=\"\(result.verdict.status)\"><td>\(Markup.badge(result.verdict.status))</td>"
                html += "<td>\(caseLink(result.info)) \(Markup.escape(result.info.title))"
                if let reason = result.verdict.reason {
                    html += "<br/><span class=\"reason\">\(Markup.escape(reason))</span>"
                }
                html += "</td><td class=\"num\">\(Markup.escape(Markup.seconds(result.seconds)))</td></tr>\n"
            }
            html += "</tbody>\n"
        }
        return html + "</table>\n</section>\n"
    }

    /// How the cases in `results` ended, nonzero counts only: `3 passed, 1 failed`.
    static func tally(_ results: [CaseResult]) -> String {
        let statuses = [("pass", "passed"), ("fail", "failed"), ("skip", "skipped"), ("human", "for a person")]
        return statuses.compactMap { status, label in
            let count = results.filter { $0.verdict.status == status }.count
            return count > 0 ? "\(count) \(label)" : nil
        }.joined(separator: ", ")
    }

    /// Every case in full, by category; failed cases start open.
    func caseDetails(_ report: ProbeReport) -> String {
        guard !report.results.isEmpty else { return "" }
        var html = "<section id=\"details\">\n<h2>Each case</h2>\n"
        for (category, results) in groups(report.results) {
            html += "<h3>\(Markup.escape(category))</h3>\n"
            for result in results { html += caseDetail(result) }
        }
        return html + "</section>\n"
    }

    private func caseDetail(_ result: CaseResult) -> String {
        let info = result.info
        let status = result.verdict.status
        var html = "<details class=\"case \(status)\" id=\"\(Markup.anchor(info.id))\""
        html += status == "fail" ? " open=\"open\">\n" : ">\n"
        html += "<summary>\(Markup.badge(status)) \(Markup.escape(info.title)) "
        html += "<code class=\"id\">\(Markup.escape(info.id))</code></summary>\n"
        html += "<dl class=\"facts\">\n"
        html += fact("Verdict", verdictHTML(result.verdict))
        html += fact("Sends", Markup.escape(info.sends))
        html += fact("Must happen", Markup.escape(info.expects))
        html += fact("Why", Markup.escape(info.rationale))
        if !info.needs.isEmpty {
            html += fact(
                "Needs",
                info.needs.map { "<code>\(Markup.escape($0.rawValue))</code>" }.joined(separator: ", ")
            )
        }
        let timing = "started \(Markup.date(result.startedAt)), took \(Markup.seconds(result.seconds))"
        html += fact("Timing", Markup.escape(timing))
        html += "</dl>\n"
        if case .human(let items) = result.verdict {
            html += "<p>For a person to check (also in the checklist above):</p>\n<ul>\n"
            for item in items { html += "<li>\(Markup.escape(item))</li>\n" }
            html += "</ul>\n"
        }
        if !result.notes.isEmpty {
            html += "<h4>Notes</h4>\n<ul>\n"
            for note in result.notes { html += "<li>\(Markup.escape(note))</li>\n" }
            html += "</ul>\n"
        }
        html += evidence(result)
        return html + "</details>\n"
    }

    private func verdictHTML(_ verdict: Verdict) -> String {
        switch verdict {
        case .passed: "passed"
        case .failed(let reason): "<strong>failed</strong>: <span class=\"reason fail\">\(Markup.escape(reason))</span>"
        case .skipped(let reason): "skipped: <span class=\"reason\">\(Markup.escape(reason))</span>"
        case .human(let items): "for a person: \(Markup.count(items.count, "item", "items")) to check"
        }
    }

    private func evidence(_ result: CaseResult) -> String {
        let exchanges = result.evidence
        guard !exchanges.isEmpty else { return "<p class=\"muted\">No HTTP exchange.</p>\n" }
        var html = ""
        if exchanges.count > 1 {
            html += HTMLReportHistogram(
                counts: HTMLReportHistogram.counts(milliseconds: exchanges.map(\.milliseconds)),
                title: "Latency of \(result.info.id)'s \(exchanges.count) exchanges",
                unit: ("exchange", "exchanges"),
                identifier: "histogram-" + Markup.anchor(result.info.id)
            ).svg()
            html += "\n"
        }
        html += "<h4>Evidence: \(Markup.count(exchanges.count, "exchange", "exchanges")), redacted</h4>\n"
        html += "<ol class=\"evidence\">\n"
        for exchange in exchanges { html += "<li>" + self.exchange(exchange) + "</li>\n" }
        return html + "</ol>\n"
    }

    private func exchange(_ exchange: Exchange) -> String {
        let outcome: String
        if let status = exchange.status {
            outcome = "<strong>\(status)</strong>"
        } else {
            outcome = "<strong>no response</strong> (\(Markup.escape(exchange.error ?? "unknown")))"
        }
        var html = "<details class=\"exchange\"><summary><span class=\"mono\">"
        html += "\(Markup.escape(exchange.method)) \(Markup.escape(exchange.url))</span> → "
        html += "\(outcome) · \(Markup.escape(Markup.milliseconds(exchange.milliseconds)))"
        if let note = exchange.note { html += " <span class=\"note\">— \(Markup.escape(note))</span>" }
        html += "</summary>\n"
        html += message("Request", exchange.requestHeaders, exchange.requestBody)
        if exchange.status != nil {
            html += message("Response", exchange.responseHeaders, exchange.responseBody)
        }
        return html + "</details>"
    }

    private func message(_ name: String, _ headers: [Exchange.Header], _ body: String?) -> String {
        guard !headers.isEmpty || body != nil else {
            return "<p class=\"muted\">\(name): no headers kept, no body.</p>\n"
        }
        var html = "<p class=\"muted\">\(name)</p>\n"
        if !headers.isEmpty {
            html += "<table class=\"headers\">\n"
            for header in headers {
                html += "<tr><td class=\"mono\">\(Markup.escape(header.name))</td>"
                html += "<td class=\"mono\">\(Markup.escape(header.value))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if let body, !body.isEmpty { html += "<pre>\(Markup.escape(body))</pre>\n" }
        return html
    }
}
