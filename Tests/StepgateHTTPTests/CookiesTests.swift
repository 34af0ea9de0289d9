import StepgateHTTP
import Testing

@Suite struct CookiesTests {
    @Test func parse_readsPairsAndTrimsSpaces() {
        #expect(Cookies.parse(header: "a=1; b=2;c=3 ;  d = 4\t") == ["a": "1", "b": "2", "c": "3", "d": "4"])
    }

    @Test func parse_stripsOnePairOfQuotes() {
        #expect(Cookies.parse(header: "a=\"quoted\"; b=\"\"; c=\"") == ["a": "quoted", "b": "", "c": "\""])
    }

    @Test func parse_keepsFirstOfDuplicates() {
        #expect(Cookies.parse(header: "sid=first; sid=second") == ["sid": "first"])
    }

    @Test(arguments: ["", ";", " ; ; ", "novalue", "=nameless"])
    func parse_skipsEmptyAndNamelessPairs(_ header: String) {
        #expect(Cookies.parse(header: header).isEmpty)
    }

    @Test func parse_keepsEmptyValuesAndEqualsInValues() {
        #expect(Cookies.parse(header: "a=; b=x=y") == ["a": "", "b": "x=y"])
    }

    @Test func parseStrict_rejectsDuplicates() {
        #expect(throws: CookieError(.duplicateName)) {
            try Cookies.parseStrict(header: "sid=first; other=1; sid=second")
        }
    }

    @Test func parseStrict_acceptsDistinctNames() throws {
        #expect(try Cookies.parseStrict(header: "a=1; b=2") == ["a": "1", "b": "2"])
    }

    @Test func request_cookiesJoinsCookieHeaders() {
        let request = HTTPRequest(
            method: .get,
            path: "/",
            headers: HTTPHeaders([("Cookie", "a=1"), ("cookie", "b=2")])
        )
        #expect(request.cookies == ["a": "1", "b": "2"])
    }
}

@Suite struct SetCookieTests {
    @Test func headerValue_rendersSafeDefaults() throws {
        let cookie = try SetCookie(name: "sid", value: "abc123")
        #expect(cookie.headerValue == "sid=abc123; Path=/; HttpOnly; Secure; SameSite=Lax")
    }

    @Test func headerValue_rendersEveryAttribute() throws {
        let cookie = try SetCookie(
            name: "__Host-flow",
            value: "v",
            maxAge: 600,
            httpOnly: false,
            secure: true,
            sameSite: .strict
        )
        #expect(cookie.headerValue == "__Host-flow=v; Path=/; Max-Age=600; Secure; SameSite=Strict")
    }

    @Test func removal_expiresTheCookie() throws {
        let cookie = try SetCookie.removal(name: "sid", path: "/auth")
        #expect(cookie.headerValue == "sid=; Path=/auth; Max-Age=0; HttpOnly; Secure; SameSite=Lax")
    }

    @Test(arguments: ["", "a b", "a;b", "a=b", "a,b", "naïve", "a\"b", "(x)"])
    func init_rejectsInvalidName(_ name: String) {
        #expect(throws: CookieError(.invalidName)) { try SetCookie(name: name, value: "v") }
    }

    @Test(arguments: ["a b", "a;b", "a,b", "a\\b", "a\"b", "\u{7F}", "é", "\"x"])
    func init_rejectsInvalidValue(_ value: String) {
        #expect(throws: CookieError(.invalidValue)) { try SetCookie(name: "n", value: value) }
    }

    @Test func init_acceptsQuotedValue() throws {
        #expect(try SetCookie(name: "n", value: "\"ok\"").value == "\"ok\"")
    }

    @Test(arguments: ["", "/a;b", "/a\nb"])
    func init_rejectsInvalidPath(_ path: String) {
        #expect(throws: CookieError(.invalidPath)) { try SetCookie(name: "n", value: "v", path: path) }
    }

    @Test func init_rejectsSameSiteNoneWithoutSecure() {
        #expect {
            try SetCookie(name: "n", value: "v", secure: false, sameSite: .none)
        } throws: { ($0 as? CookieError)?.code == .invalidAttributes }
    }

    @Test func init_rejectsHostPrefixWithOtherPath() {
        #expect {
            try SetCookie(name: "__Host-n", value: "v", path: "/a")
        } throws: { ($0 as? CookieError)?.code == .invalidAttributes }
    }

    @Test func init_rejectsSecurePrefixWithoutSecure() {
        #expect {
            try SetCookie(name: "__Secure-n", value: "v", secure: false)
        } throws: { ($0 as? CookieError)?.code == .invalidAttributes }
    }

    @Test func response_setCookieAddsHeaders() throws {
        var response = HTTPResponse.html("<p>hi</p>")
        response.setCookie(try SetCookie(name: "a", value: "1"))
        response.setCookie(try SetCookie(name: "b", value: "2"))
        #expect(response.headers.values("Set-Cookie").count == 2)
    }
}
