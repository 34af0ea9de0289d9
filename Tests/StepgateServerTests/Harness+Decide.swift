import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import Testing

@testable import StepgateServer

/// The bank's policy as the decision tests use it.
enum BankPolicy {
    static let text = """
        [action.balance]
        method = GET
        path = /bank/balance
        level = aal1

        [action.payee]
        method = POST
        path = /bank/payees
        level = aal2
        max_age = 5m

        [action.transfer]
        method = POST
        path = /bank/transfers
        level = aal2
        bind = body.amount body.currency body.payee
        amount = body.amount
        rule = amount > 1000 -> level aal3
        rule = risk >= 70 -> deny
        rule = risk >= 40 -> level aal3

        [action.transfer_form]
        method = POST
        path = /bank/transfer
        level = aal2
        bind = query.amount query.currency query.payee
        amount = query.amount

        [action.statements]
        method = GET
        path = /bank/statements/*
        level = aal2
        """

    /// A harness whose configuration carries the bank policy, then `configure`'s changes.
    static func harness(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> Harness {
        try Harness { configuration in
            configuration.policy = try? Policy.load(text, assurance: configuration.assurance)
            configure(&configuration)
        }
    }

    static func transfer(_ amount: String = "10.50", _ payee: String = "alice") -> [UInt8] {
        Array(#"{"amount": \#(amount), "currency": "EUR", "payee": "\#(payee)"}"#.utf8)
    }
}

/// How the proxy asks: the original request in forwarded headers, the browser's cookies along.
struct Forwarded {
    var method = "GET"
    var uri = "/bank/balance"
    var ip = "198.51.100.7"
    /// A browser navigation (`Accept: text/html`) gets a step-up page to go to.
    var html = false
    var body: [UInt8]?
    var bearer: String?
    var headers: [(String, String)] = []
}

extension Browser {
    /// Asks `/decide` about `request`, with this browser's cookies, as nginx would.
    mutating func decide(_ request: Forwarded) -> HTTPResponse {
        var headers: [(String, String)] = [
            ("X-Original-Method", request.method), ("X-Original-URI", request.uri), ("X-Real-IP", request.ip),
            ("X-Forwarded-Host", "bank.example"), ("User-Agent", "TestBrowser/1.0"),
            ("Accept", request.html ? "text/html,application/xhtml+xml" : "application/json"),
        ]
        if let bearer = request.bearer { headers.append(("Authorization", "Bearer " + bearer)) }
        headers += request.headers
        guard let body = request.body else { return send(.get, "/decide", headers: headers) }
        return sendRaw(.post, "/decide", body: body, headers: headers + [("Content-Type", "application/json")])
    }

    /// Sends `body` as it is.
    mutating func sendRaw(
        _ method: HTTPMethod,
        _ path: String,
        body: [UInt8],
        headers: [(String, String)]
    ) -> HTTPResponse {
        var all = headers
        if !cookies.isEmpty {
            all.append(("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        return handler(
            HTTPRequest(
                method: method,
                path: path,
                query: "",
                headers: HTTPHeaders(all),
                body: body,
                remoteAddress: peer,
                requestID: "test"
            )
        )
    }
}

extension Harness {
    /// Follows a browser step-up from a decision's `Location` to the end, answering password
    /// and TOTP as asked; returns the last response (the redirect back).
    func stepUp(
        _ browser: inout Browser,
        from decision: HTTPResponse,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> HTTPResponse {
        guard let location = decision.location, let path = location.split(separator: "/", maxSplits: 3).last else {
            Issue.record("decision has no Location", sourceLocation: sourceLocation)
            return decision
        }
        clock.advance(by: 31)  // a fresh time-step, so the TOTP code is not a replay
        let start = browser.send(.get, "/" + path)
        var page = open(&browser, start.location)
        for _ in 0..<3 {
            switch page.hiddenField("step") {
            case "password": page = answer(&browser, page, passwordFields())
            case "otp": page = answer(&browser, page, [("otp", totp())])
            default: return page
            }
        }
        return page
    }
}
