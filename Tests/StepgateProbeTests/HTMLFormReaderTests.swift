import StepgateProbe
import Testing

@Suite struct HTMLFormReaderTests {
    static let page = """
        <!doctype html><html><head><script>if (a < b) { x = "<form action='/script'>"; }</script>
        <style>form { color: red }</style></head><body>
        <!-- <form action="/commented"><input name="hidden-by-comment"></form> -->
        <form method="post" action="/login?x=1&amp;y=2">
        <input type="hidden" name="flow" value="abc&amp;def">
        <input type="hidden" name='csrf' value='tok&#x41;&#65;&quot;'>
        <label for="username">Username</label>
        <input type="text" id="username" name="username" autocomplete="username" value="" autocapitalize=none required>
        <input type=password name=password autocomplete="section-a current-password">
        <input type="checkbox" name="remember" value="1">
        <select name="choice"><option value="otp">Code<option selected value="webauthn">Key</select>
        <textarea name="note">a &lt; b</textarea>
        <button type="submit" name="go" value="1">Continue <b>now</b></button>
        </form>
        <input name="outside">
        <FORM METHOD=POST id="webauthn-form" data-webauthn="get" data-challenge="AAEC" data-allow="AQID BAUG">
        <input type="hidden" name="credential_id" value="">
        <input type="submit" value="Use key">
        <form action="/unclosed"><input name="last"
        """

    @Test func forms_findsFormsFieldsAndButtons() throws {
        let forms = HTMLFormReader.forms(in: Self.page)
        #expect(forms.count == 3)
        let login = forms[0]
        #expect(login.action == "/login?x=1&y=2")
        #expect(login.method == "POST")
        #expect(login.field(named: "flow")?.value == "abc&def")
        #expect(login.field(named: "csrf")?.value == "tokAA\"")
        #expect(login.field(autocomplete: "username")?.name == "username")
        #expect(login.field(autocomplete: "current-password")?.name == "password")
        #expect(login.field(named: "choice")?.value == "webauthn")
        #expect(login.field(named: "note")?.value == "a < b")
        #expect(login.buttons.first?.text == "Continue now")
        #expect(login.buttons.first?.name == "go")
        #expect(login.submission.map(\.0) == ["flow", "csrf", "username", "password", "choice", "note"])
        #expect(!forms.flatMap(\.fields).contains { ["outside", "hidden-by-comment"].contains($0.name) })
    }

    @Test func forms_readsDataAttributesAndClosesFormsOpenedInsideOthers() {
        let forms = HTMLFormReader.forms(in: Self.page)
        let webAuthn = forms[1]
        #expect(webAuthn.method == "POST")
        #expect(webAuthn.attributes["data-webauthn"] == "get")
        #expect(webAuthn.attributes["data-allow"] == "AQID BAUG")
        #expect(webAuthn.buttons.first?.type == "submit")
        #expect(forms[2].action == "/unclosed")
        #expect(forms[2].method == "GET")
    }

    @Test(arguments: [
        "", "<", "<form", "<form action=\"", "<<<>>>", "<!--", "<input name=x>", "&#xFFFFFFFF;&#0;&bogus;",
    ])
    func forms_toleratesBrokenHTML(_ html: String) {
        _ = HTMLFormReader.forms(in: html)
    }

    @Test func forms_decodesOddReferencesSafely() {
        let forms = HTMLFormReader.forms(in: "<form><input name=a value=\"&#0;&#x110000;&#65;&amp&lt;\"></form>")
        #expect(forms.first?.field(named: "a")?.value == "\u{FFFD}\u{FFFD}A&amp<")
    }

    @Test func forms_areBounded() {
        let many = String(repeating: "<form><input name=a></form>", count: HTMLFormReader.maxForms + 10)
        #expect(HTMLFormReader.forms(in: many).count == HTMLFormReader.maxForms)
        let wide = "<form>" + String(repeating: "<input name=a>", count: HTMLFormReader.maxFields + 10) + "</form>"
        #expect(HTMLFormReader.forms(in: wide).first?.fields.count == HTMLFormReader.maxFields)
    }
}
