import Foundation
import StepgateHTTP
import Testing

@testable import StepgateServer

/// How the forwarded host and the `Accept` header are read, checked against the rules as first
/// written (Foundation's `contains`, lowercasing by `String`), ASCII and not.
@Suite struct ForwardedRequestTests {
    private static func referenceHostName(_ value: String) -> String? {
        var host = Substring(value.lowercased())
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            host = host[...close]
        } else if let colon = host.firstIndex(of: ":") {
            host = host[..<colon]
        }
        guard !host.isEmpty, host.utf8.count <= 253,
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-[]:".contains($0)) })
        else { return nil }
        return String(host)
    }

    @Test(arguments: [
        "Bank.Example", "bank.example:8443", "[2001:DB8::1]:443", "[2001:db8::1", "127.0.0.1", "", ":80",
        "bank_example", "bank example", "bank.example\r\n", "b\u{212A}.example", "bücher.example", "BANK.EXAMPLE.",
        String(repeating: "a", count: 253), String(repeating: "a", count: 254), "a/b", "xn--bcher-kva.example",
    ])
    func hostName_matchesTheStringRules(_ value: String) {
        #expect(ForwardedRequest.hostName(value) == Self.referenceHostName(value))
    }

    @Test(arguments: [
        ("text/html,application/xhtml+xml", true), ("application/json", false), ("TEXT/HTML", false),
        ("text/htm", false), ("*/*;q=0.8, text/html", true), ("", false), ("text/html", true),
        ("tëxt/plain, text/html", true), ("text/html\u{301}", false), ("ä", false),
    ])
    func wantsHTML_findsTextHTMLAsFoundationDoes(_ accept: String, _ expected: Bool) throws {
        let request = HTTPRequest(
            method: .get,
            path: "/decide",
            headers: HTTPHeaders([
                ("X-Original-Method", "GET"), ("X-Original-URI", "/"), ("Accept", accept),
            ])
        )
        let forwarded = try ForwardedRequest.read(request)
        #expect(forwarded.wantsHTML == accept.contains("text/html"))
        #expect(forwarded.wantsHTML == expected)
    }
}
