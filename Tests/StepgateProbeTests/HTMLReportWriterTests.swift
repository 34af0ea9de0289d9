import Foundation
import StepgateCore
import Synchronization
import Testing

@testable import StepgateProbe

/// The HTML report: escaping, no secret, SVG histograms, the checklist, load and baseline
/// sections, and a page that is well-formed XML throughout.
@Suite struct HTMLReportWriterTests {
    static let password = "html-s3cret-password"
    static let target = try! TargetDescription.parse(  // Safety: a fixed, valid document.
        Array(
            """
            issuer: http://127.0.0.1:9
            client: {id: probe, redirect_uri: "http://127.0.0.1:9/cb"}
            user: {username: demo, password: \(password)}
            """.utf8
        ),
        environment: [:]
    )
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    static func info(_ id: String, category: String = "test") -> CaseInfo {
        CaseInfo(
            id: id,
            title: "Title of \(id)",
            category: category,
            sends: "sends",
            expects: "expects",
            rationale: "RFC 6749 §4.1.2"
        )
    }

    static func exchange(_ milliseconds: Double, body: String? = nil, url: String = "http://t/x") -> Exchange {
        Exchange(
            method: "GET",
            url: url,
            requestHeaders: [Exchange.Header(name: "Accept", value: "text/html")],
            status: 200,
            responseHeaders: [Exchange.Header(name: "Content-Type", value: "text/html")],
            responseBody: body,
            startedAt: start,
            milliseconds: milliseconds,
            note: "look"
        )
    }

    static func report(_ results: [CaseResult]) -> ProbeReport {
        ProbeReport(
            tool: "stepgate probe 0.1.0",
            issuer: "http://127.0.0.1:9",
            clientID: "probe",
            startedAt: start,
            seconds: 3,
            results: results
        )
    }

    static func result(_ id: String, _ verdict: Verdict, evidence: [Exchange] = [], category: String = "test")
        -> CaseResult
    {
        CaseResult(
            info: info(id, category: category),
            verdict: verdict,
            startedAt: start,
            seconds: 0.5,
            evidence: evidence
        )
    }

    static func html(_ report: ProbeReport, load: [HTMLReportLoadSection] = []) throws -> String {
        String(decoding: try HTMLReportWriter(load: load).render(report), as: UTF8.self)
    }

    @Test func render_escapesEverythingFromTheReport() throws {
        let hostile = "<script>alert('x')</script>&\"<img src=x onerror=alert(1)>"
        let result = CaseResult(
            info: CaseInfo(
                id: "test.<b>",
                title: hostile,
                category: "<i>",
                sends: hostile,
                expects: hostile,
                rationale: hostile
            ),
            verdict: .failed(hostile),
            startedAt: Self.start,
            seconds: 1,
            evidence: [
                Self.exchange(3, body: hostile, url: "http://t/?q=\"><svg onload=alert(1)>"),
                Exchange(
                    method: "POST",
                    url: "http://t/",
                    requestHeaders: [Exchange.Header(name: "X-<h>", value: hostile)],
                    requestBody: hostile,
                    error: hostile,
                    startedAt: Self.start,
                    milliseconds: 1,
                    note: hostile
                ),
            ],
            notes: [hostile, "control\u{0}\u{1B}characters"]
        )
        let html = try Self.html(Self.report([result]))

        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<svg onload"))
        #expect(!html.contains("<b>") && !html.contains("<i>") && !html.contains("<h>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;&lt;img"))
        #expect(html.contains("controlcharacters"))
        #expect(html.components(separatedBy: "<script>").count == 2)
        try XMLCheck.expectWellFormed(html)
    }

    /// A secret a case puts in a URL, a header, a body, a note and a failure reason is redacted
    /// when recorded, and the HTML shows only its fingerprint.
    @Test func render_neverShowsASecretPlantedInAResult() throws {
        let planted = ScriptedCase(Self.info("test.planted")) { context in
            let secret = Self.password
            let redactor = context.redactor
            context.evidence.record(
                Exchange(
                    method: "POST",
                    url: redactor.url("http://t/login?password=\(secret)&next=/\(secret)"),
                    requestHeaders: redactor.requestHeaders([
                        ("Authorization", "Basic \(secret)"), ("Cookie", "s=\(secret)"),
                    ]),
                    requestBody: redactor.body(
                        Array("user=demo&password=\(secret)".utf8),
                        contentType: "application/x-www-form-urlencoded"
                    ),
                    status: 200,
                    responseBody: redactor.body(
                        Array("{\"echo\":\"\(secret)\"}".utf8),
                        contentType: "application/json"
                    ),
                    startedAt: Self.start,
                    milliseconds: 4
                )
            )
            context.note("the password \(secret) was sent")
            throw CaseFailed("the server echoed \(secret)")
        }
        let clock = InsecureTestClock(Self.start)
        let report = try ProbeRunner(
            target: Self.target,
            cases: [planted],
            options: RunOptions(),
            clock: clock,
            sleeper: ClockSleeper(clock)
        ).run()

        let html = try Self.html(report)

        #expect(!html.contains(Self.password))
        #expect(html.contains("&lt;redacted #"))
        #expect(html.contains("the server echoed &lt;redacted #"))
    }

    @Test func render_drawsWellFormedAccessibleHistograms() throws {
        let exchanges = [0.3, 1.5, 1.8, 4, 40, 900].map { Self.exchange($0) }
        let html = try Self.html(Self.report([Self.result("test.timed", .passed, evidence: exchanges)]))

        try XMLCheck.expectWellFormed(html)
        let svgs = html.components(separatedBy: "<svg ").dropFirst()
        #expect(svgs.count == 2)  // the whole run, and the case
        for svg in svgs {
            let element = String(svg[..<(svg.range(of: "</svg>")?.upperBound ?? svg.endIndex)])
            #expect(element.contains("role=\"img\"") && element.contains("aria-labelledby="))
            #expect(element.contains("<title id="))
            #expect(element.contains("<desc id="))
            #expect(element.contains("latency (upper bound of each bucket)"))
            #expect(element.contains(">exchanges</text>"))
        }
        #expect(html.contains("Latency of test.timed&#39;s 6 exchanges"))
        #expect(html.contains("2 exchanges ≤2ms"))
        #expect(html.contains(">≤1s</text>"))
    }

    @Test func histogram_keepsAtLeastMinimumBarsAroundTheSamples() {
        let counts = HTMLReportHistogram.counts(milliseconds: [1.5, 1.5])
        let histogram = HTMLReportHistogram(counts: counts, title: "t", unit: ("x", "xs"), identifier: "h")
        let visible = histogram.visibleBuckets()
        #expect(visible?.count == HTMLReportHistogram.minimumBars)
        #expect(visible?.contains(LoadHistogram.bucket(for: .microseconds(1500))) == true)
        let odd = HTMLReportHistogram.counts(milliseconds: [.nan, .infinity, -5, 1e300])
        #expect(odd.first == 1 && odd.last == 1 && odd.reduce(0, +) == 2)
        #expect(HTMLReportMarkup.seconds(.nan) == "unknown" && HTMLReportMarkup.seconds(125) == "2 min 5 s")
        let empty = HTMLReportHistogram(counts: LoadHistogram().counts, title: "t", unit: ("x", "xs"), identifier: "h")
        #expect(empty.svg().isEmpty)
        let last = HTMLReportHistogram(
            counts: HTMLReportHistogram.counts(milliseconds: [90_000]),
            title: "t",
            unit: ("x", "xs"),
            identifier: "h"
        )
        let buckets = LoadHistogram.bounds.count + 1
        #expect(last.visibleBuckets() == (buckets - HTMLReportHistogram.minimumBars)..<buckets)
        #expect(last.svg().contains(">&gt;50s</text>"))
    }

    @Test func render_listsTheChecklistWithCheckBoxes() throws {
        let report = Self.report([
            Self.result("human.one", .human(["Press the key & wait", "Then <look>"]), category: "human"),
            Self.result("human.two", .skipped("the user has no webauthn: register"), category: "human"),
            Self.result("test.pass", .passed),
        ])
        let html = try Self.html(report)

        let section = try #require(html.range(of: "<section id=\"checklist\">"))
        let end = try #require(html.range(of: "</section>", range: section.upperBound..<html.endIndex))
        let checklist = String(html[section.lowerBound..<end.upperBound])
        #expect(html.contains("<h2>For a person</h2>"))
        #expect(html.contains("No case failed (1 passed, 1 skipped, 1 for a person)."))
        #expect(checklist.components(separatedBy: "<input type=\"checkbox\"").count == 3)
        #expect(checklist.contains("<label for=\"check-case-human.one-1\">Press the key &amp; wait</label>"))
        #expect(checklist.contains("Then &lt;look&gt;"))
        #expect(checklist.contains("<strong>Why it matters:</strong> RFC 6749 §4.1.2."))
        #expect(checklist.contains("human.two</code>: <span class=\"reason\">the user has no webauthn: register"))
        try XMLCheck.expectWellFormed(html)
    }

    @Test func render_groupsCasesByCategoryWithBadgesAndOpensFailures() throws {
        let report = Self.report([
            Self.result("code.a", .passed, category: "code"),
            Self.result("pkce.a", .failed("no"), category: "pkce"),
            Self.result("code.b", .skipped("why"), category: "code"),
        ])
        let html = try Self.html(report)

        #expect(
            html.contains("<span class=\"category\">code</span> <span class=\"muted\">(1 passed, 1 skipped)</span>")
        )
        #expect(html.contains("<span class=\"badge fail\">FAIL</span>"))
        #expect(html.contains("<details class=\"case fail\" id=\"case-pkce.a\" open=\"open\">"))
        #expect(html.contains("<details class=\"case pass\" id=\"case-code.a\">"))
        #expect(html.contains("1 of 3 cases failed."))
        #expect(html.contains("<a href=\"#case-pkce.a\">"))
        let codeB = try #require(html.range(of: "id=\"case-code.b\""))
        let pkce = try #require(html.range(of: "id=\"case-pkce.a\""))
        #expect(codeB.lowerBound < pkce.lowerBound)
    }

    @Test func render_drawsALoadSection() throws {
        let driver = LoadDriver(plan: LoadPlan(users: 2, limit: .iterations(10)))
        let counter = Counter()
        let result = try driver.run {
            let index = counter.next()
            if index == 3 { return LoadSample(outcome: .success, invariantBroken: "a code was accepted twice") }
            if index % 4 == 0 { return .failure("http_503", latency: .milliseconds(30)) }
            return .success(latency: .milliseconds(12))
        }
        let section = HTMLReportLoadSection(title: "Load: complete step-ups", result: result)
        let html = try Self.html(Self.report([]), load: [section])

        #expect(section.histogram.reduce(0, +) == 20)
        #expect(html.contains("<h2>Load: complete step-ups</h2>"))
        #expect(html.contains("1 security invariant broken under load."))
        #expect(html.contains("<p class=\"headline fail\">No case ran. 1 security invariant broken under load.</p>"))
        #expect(html.contains("a code was accepted twice"))
        #expect(html.contains("<code>http_503</code></td><td class=\"num\">5</td>"))
        #expect(html.contains("Latency of 20 load iterations"))
        #expect(html.contains(">iterations</text>"))
        try XMLCheck.expectWellFormed(html)
    }

    @Test func render_showsWhatChangedSinceTheBaseline() throws {
        let before = Self.report([
            Self.result("code.a", .passed), Self.result("code.b", .failed("was broken")),
            Self.result("code.gone", .passed),
        ])
        var now = Self.report([
            Self.result("code.a", .failed("broke <now>")), Self.result("code.b", .passed),
            Self.result("code.new", .passed),
        ])
        now.baseline = BaselineComparison(baseline: before, current: now)
        let html = try Self.html(now)

        #expect(html.contains("<h2>Since the baseline</h2>"))
        #expect(html.contains("1 regression since the baseline."))
        #expect(html.contains("Regressions: passed then, fail now"))
        #expect(html.contains("<span class=\"reason fail\">broke &lt;now&gt;</span>"))
        #expect(html.contains("Fixed: failed then, pass now"))
        #expect(html.contains("New cases"))
        #expect(html.contains("<code>code.gone</code> Title of code.gone: was"))
        try XMLCheck.expectWellFormed(html)
    }

    @Test func xmlCheck_rejectsBrokenMarkup() {
        #expect(XMLCheck.isWellFormed("<!DOCTYPE html>\n<html><body><svg><title>t</title></svg></body></html>"))
        #expect(!XMLCheck.isWellFormed("<html><body><svg></body></html>"))
        #expect(!XMLCheck.isWellFormed("<html><p>a & b</p></html>"))
        #expect(!XMLCheck.isWellFormed("<html><p>a < b</p></html>"))
        #expect(!XMLCheck.isWellFormed("<html><p title=\"a<b\">x</p></html>"))
        #expect(!XMLCheck.isWellFormed("<html><p title=x>x</p></html>"))
        #expect(!XMLCheck.isWellFormed("<html><p>&nbsp;</p></html>"))
        #expect(XMLCheck.isWellFormed("<html><p class='a' id=\"b\">&amp;&#39;&#x2F;</p><br/></html>"))
    }

    @Test func standardFormats_includeTheHTMLReport() {
        #expect(ReportFormats.standard.map(\.fileName) == ["report.json", "junit.xml", "report.html"])
    }

    @Test func contentSecurityPolicy_allowsOnlyTheInlineScriptByHash() throws {
        let html = try Self.html(Self.report([]))
        let policy = HTMLReportStyle.contentSecurityPolicy
        #expect(policy.hasPrefix("default-src 'none';"))
        #expect(policy.contains("script-src 'sha256-"))
        #expect(html.contains("content=\"default-src &#39;none&#39;;"))
        #expect(html.contains("<script>\(HTMLReportStyle.script)</script>"))
        #expect(!html.contains(" src=\"") && !html.contains("href=\"http"))
    }
}

/// Hands out 0, 1, 2, ... to load iterations on any thread.
private final class Counter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
