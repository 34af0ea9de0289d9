import Foundation
import StepgateProbe
import Testing

@Suite struct CookieJarTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    private func url(_ text: String) -> URL {
        URL(string: text)!  // Safety: literal URLs in this file.
    }

    @Test func hostOnlyCookies_goBackToTheirHostAndPath() {
        var jar = CookieJar()
        jar.receive("sid=abc; Path=/; HttpOnly", from: url("http://localhost:8080/login"), now: Self.now)
        jar.receive("pref=1", from: url("http://localhost:8080/account/settings"), now: Self.now)
        #expect(jar.header(for: url("http://localhost:8080/bank/"), now: Self.now) == "sid=abc")
        #expect(jar.header(for: url("http://localhost:8080/account/x"), now: Self.now) == "pref=1; sid=abc")
        #expect(jar.header(for: url("http://other.example/"), now: Self.now) == nil)
    }

    @Test func maxAgeZeroAndPastExpiryRemove() {
        var jar = CookieJar()
        let site = url("http://localhost/")
        jar.receive("sid=abc", from: site, now: Self.now)
        jar.receive("sid=; Max-Age=0", from: site, now: Self.now)
        #expect(jar.header(for: site, now: Self.now) == nil)
        jar.receive("a=1; Max-Age=10", from: site, now: Self.now)
        #expect(jar.header(for: site, now: Self.now.addingTimeInterval(11)) == nil)
        jar.receive("b=2; Expires=Sun, 06 Nov 1994 08:49:37 GMT", from: site, now: Self.now)
        #expect(jar.value(named: "b") == nil)
    }

    @Test func domainAndSecureAttributesAreHonoured() {
        var jar = CookieJar()
        jar.receive("d=1; Domain=.example.com", from: url("https://www.example.com/"), now: Self.now)
        jar.receive("evil=1; Domain=attacker.example", from: url("https://www.example.com/"), now: Self.now)
        jar.receive("s=1; Secure", from: url("https://api.example.com/"), now: Self.now)
        #expect(jar.header(for: url("https://api.example.com/"), now: Self.now) == "d=1; s=1")
        #expect(jar.header(for: url("http://api.example.com/"), now: Self.now) == "d=1")
        #expect(jar.value(named: "evil") == nil)
    }
}
