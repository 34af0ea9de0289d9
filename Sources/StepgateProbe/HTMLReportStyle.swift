import Foundation
import StepgateCrypto

/// The HTML report's inline style sheet and its one script, and the Content Security Policy
/// that allows exactly these: no request leaves the page, and no script but this one runs even
/// if markup ever slipped through escaping.
enum HTMLReportStyle {
    /// Light colours for screen and paper; one column on a phone; on paper every case opens
    /// (`::details-content`, or the script in browsers without it) while exchanges stay one line.
    static let css = """
        :root{color-scheme:light;--pass:#1a7f37;--fail:#c62828;--skip:#6b7280;--human:#9a6700;\
        --line:#d0d7de;--muted:#57606a;--soft:#f6f8fa;--text:#1f2328}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;\
        color:var(--text);background:#fff}
        main{max-width:72rem;margin:0 auto;padding:1rem 1rem 3rem}
        h1{font-size:1.6rem;margin:.5rem 0 .75rem}
        h2{font-size:1.25rem;margin:2.25rem 0 .75rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
        h3{font-size:1.05rem;margin:1.5rem 0 .5rem}
        h4{font-size:.95rem;margin:1rem 0 .35rem}
        a{color:#0969da}
        code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;\
        font-size:.86em}
        pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);border:1px solid var(--line);\
        border-radius:4px;padding:.5rem;margin:.25rem 0 .5rem}
        .headline{font-size:1.15rem;font-weight:600;padding:.7rem .9rem;border-radius:6px;border-left:6px solid}
        .headline.pass{background:#e9f6ec;border-color:var(--pass)}
        .headline.fail{background:#fdeceb;border-color:var(--fail)}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.75rem 0}
        dl.facts dt{color:var(--muted)}
        dl.facts dd{margin:0;overflow-wrap:anywhere}
        ul.counts{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:1rem 0}
        ul.counts li{border:1px solid var(--line);border-top:4px solid var(--skip);border-radius:6px;\
        padding:.4rem .9rem;min-width:8rem}
        ul.counts li.pass{border-top-color:var(--pass)}
        ul.counts li.fail{border-top-color:var(--fail)}
        ul.counts li.human{border-top-color:var(--human)}
        ul.counts strong{display:block;font-size:1.6rem;line-height:1.2}
        .badge{display:inline-block;min-width:4.6em;text-align:center;font-size:.72rem;font-weight:700;\
        letter-spacing:.04em;padding:.1rem .45rem;border-radius:999px;color:#fff;background:var(--skip);\
        vertical-align:.1em;-webkit-print-color-adjust:exact;print-color-adjust:exact}
        .badge.pass{background:var(--pass)}
        .badge.fail{background:var(--fail)}
        .badge.human{background:var(--human)}
        table{border-collapse:collapse;width:100%;margin:.25rem 0 .75rem}
        th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--line)}
        th{font-weight:600}
        tbody th.group{background:var(--soft);font-size:.9rem;font-weight:400}
        tbody th.group .category{font-weight:700;text-transform:uppercase;letter-spacing:.05em}
        td.num,th.num{text-align:right;white-space:nowrap}
        section.load table{max-width:40rem}
        .muted{color:var(--muted)}
        .reason{color:var(--muted);overflow-wrap:anywhere}
        .fail .reason,.reason.fail{color:#a11d1d}
        details.case{border:1px solid var(--line);border-left:6px solid var(--skip);border-radius:6px;\
        margin:.5rem 0;padding:0 .9rem}
        details.case.pass{border-left-color:var(--pass)}
        details.case.fail{border-left-color:var(--fail)}
        details.case.human{border-left-color:var(--human)}
        details.case>summary{cursor:pointer;padding:.5rem 0;font-weight:600}
        details.case>summary .id{font-weight:400}
        details.case[open]>summary{border-bottom:1px solid var(--line);margin-bottom:.5rem}
        details.exchange{border-top:1px solid var(--line);padding:.2rem 0}
        details.exchange>summary{cursor:pointer;overflow-wrap:anywhere}
        details.exchange .note{color:var(--muted);font-family:system-ui,sans-serif}
        details.exchange p{margin:.5rem 0 .15rem;font-size:.9rem}
        table.headers td:first-child{white-space:nowrap;color:var(--muted);width:1%}
        table.headers td{overflow-wrap:anywhere;padding:.15rem .5rem;font-size:.86em}
        ol.evidence{padding-left:1.6rem;margin:.25rem 0}
        svg.histogram{display:block;max-width:100%;height:auto;margin:.5rem 0}
        svg.histogram .bar{fill:#4a77b4}
        svg.histogram .axis{stroke:#57606a;stroke-width:1}
        svg.histogram text{font-family:system-ui,sans-serif;font-size:12px;fill:var(--text)}
        svg.histogram .axis-title{fill:var(--muted)}
        ul.checklist{list-style:none;padding-left:0}
        ul.checklist li{margin:.4rem 0;display:flex;gap:.6rem;align-items:flex-start}
        ul.checklist input{margin-top:.3rem;width:1.1rem;height:1.1rem;flex:none}
        .person{border:1px solid var(--line);border-left:6px solid var(--human);border-radius:6px;\
        padding:.25rem .9rem .5rem;margin:.75rem 0}
        .change-list li{margin:.2rem 0;overflow-wrap:anywhere}
        @media (max-width:40rem){
        body{font-size:14px}
        main{padding:.6rem .6rem 2rem}
        dl.facts{grid-template-columns:1fr}
        dl.facts dd{margin-bottom:.35rem}
        ul.counts li{min-width:0;flex:1 1 40%}
        th,td{padding:.3rem .3rem}
        details.case{padding:0 .5rem}
        }
        @media print{
        body{font-size:10.5pt}
        main{max-width:none;padding:0}
        a{color:inherit;text-decoration:none}
        details.case::details-content{content-visibility:visible}
        details.case>summary{break-after:avoid}
        svg.histogram,table,pre{break-inside:avoid}
        h2,h3{break-after:avoid}
        }
        """

    /// Opens every case before printing, for browsers whose style sheets cannot
    /// (no `::details-content`). Without scripts the page works the same; only the printout
    /// then shows closed cases as one line.
    static let script =
        #"addEventListener("beforeprint",function(){document.querySelectorAll("details.case")"#
        + #".forEach(function(d){d.open=true})})"#

    /// The policy for the page's `<meta http-equiv>`: nothing loads, the inline style applies,
    /// and only `script` runs (by its SHA-256).
    static var contentSecurityPolicy: String {
        let digest = Data(Digest.sha256(script)).base64EncodedString()
        return "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-\(digest)'; "
            + "base-uri 'none'; form-action 'none'"
    }
}
