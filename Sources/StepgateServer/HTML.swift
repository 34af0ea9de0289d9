import StepgateCrypto
import StepgateStore

/// Small helpers to build HTML safely: every dynamic value goes through `escape`.
enum HTML {
    /// `text` with `& < > " '` replaced by entities, safe in element text and quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(char)
            }
        }
        return out
    }

    /// A whole page around `body` (already escaped), with the shared stylesheet.
    ///
    /// The empty `data:` icon stops browsers from asking for `/favicon.ico`, which would be a 404.
    static func page(title: String, body: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · Stepgate</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/static/style.css">
        </head>
        <body>
        <main>
        <h1>\(escape(title))</h1>
        \(body)
        </main>
        </body>
        </html>
        """
    }

    /// What a step-up is for: the transaction being approved (every bound field, as the user
    /// will be held to it) and the reasons the action asked for more proof.
    static func approval(_ challenge: ChallengeRecord) -> String {
        let details = (try? JSONValue.parse(Array(challenge.details.utf8))) ?? .object([:])
        let fields = details["fields"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
        let reasons = details["reasons"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
        return approval(action: challenge.action, fields: fields, reasons: reasons)
    }

    /// The approval box: the action, each bound field and its value, and why more proof is asked.
    static func approval(action: String, fields: [String: String], reasons: [String]) -> String {
        var html = "<section class=\"approval\">"
        if !fields.isEmpty {
            html += "<h2>You are approving</h2><table>"
            html += "<tr><th>Action</th><td>\(escape(action))</td></tr>"
            for name in fields.keys.sorted() {
                html += "<tr><th>\(escape(name))</th><td>\(escape(fields[name] ?? ""))</td></tr>"
            }
            html += "</table><p class=\"note\">The approval is good for this transaction only, once.</p>"
        } else {
            html += "<p>This action (<strong>\(escape(action))</strong>) needs more proof that it is you.</p>"
        }
        if !reasons.isEmpty {
            html += "<h2>Why we ask</h2><ul>"
            for reason in reasons { html += "<li>\(escape(reason))</li>" }
            html += "</ul>"
        }
        return html + "</section>"
    }

    static let stylesheet = """
        body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
        main { max-width: 26rem; margin: 4rem auto; background: #fff; padding: 2rem 2.5rem;
               border-radius: 10px; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
        h1 { font-size: 1.4rem; margin-top: 0; }
        label { display: block; margin: 1rem 0 .3rem; font-weight: 600; }
        input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .6rem;
               font-size: 1rem; border: 1px solid #b8bfcc; border-radius: 6px; }
        button { margin-top: 1.4rem; width: 100%; padding: .7rem; font-size: 1rem; border: 0;
               border-radius: 6px; background: #2457c5; color: #fff; cursor: pointer; }
        .error { background: #fdecec; color: #8a1c1c; padding: .7rem; border-radius: 6px; }
        .note { color: #5a6275; font-size: .9rem; }
        code, pre { background: #eef0f4; padding: .1rem .3rem; border-radius: 4px; overflow-x: auto; }
        pre { padding: .8rem; }
        .approval { border: 1px solid #d7dce6; border-radius: 8px; padding: .2rem 1rem .8rem; margin-bottom: 1rem; }
        .approval h2 { font-size: 1rem; }
        .approval th { text-align: left; padding-right: 1rem; color: #5a6275; }
        a { color: #2457c5; }
        input:focus-visible, button:focus-visible, a:focus-visible { outline: 2px solid #2457c5;
               outline-offset: 2px; }
        select { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; background: #fff;
               border: 1px solid #b8bfcc; border-radius: 6px; }
        input[type=tel], input[type=email] { width: 100%; box-sizing: border-box; padding: .6rem;
               font-size: 1rem; border: 1px solid #b8bfcc; border-radius: 6px; }
        button.secondary { background: #fff; color: #2457c5; border: 1px solid #2457c5; }
        button.link { background: none; color: #2457c5; width: auto; padding: 0; margin-top: .6rem;
               text-decoration: underline; }
        form.inline { display: inline; }
        form.inline button { width: auto; margin-top: .3rem; padding: .4rem .9rem; }
        .actions form { margin-bottom: .5rem; }
        .actions form button { width: 100%; }
        .others { margin-top: 1.6rem; border-top: 1px solid #d7dce6; }
        .others h2 { font-size: 1rem; }
        .others button { margin-top: .5rem; }
        .notice { background: #e9f6ec; color: #1d5a2c; padding: .7rem; border-radius: 6px; }
        .qr { text-align: center; margin: 1rem 0; }
        .qr svg { max-width: 100%; height: auto; }
        code.secret { word-break: break-all; font-size: 1.05rem; letter-spacing: .05em; }
        ol.codes { font-size: 1.15rem; line-height: 1.8; }
        table.methods { width: 100%; }
        table.methods td:last-child { text-align: right; white-space: nowrap; }
        @media (max-width: 30rem) { main { margin: 0; border-radius: 0; padding: 1.2rem; } }
        table { border-collapse: collapse; margin: 1rem 0; }
        th { text-align: left; padding: .25rem 1rem .25rem 0; font-weight: 600; vertical-align: top; }
        td { padding: .25rem 0; overflow-wrap: anywhere; }
        """
}
