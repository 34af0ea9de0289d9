import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import Testing

@testable import StepgateServer

/// `/stepup`: what the decision endpoint hands a browser, and the approval it leads to.
@Suite struct StepUpTests {
    static let transaction = "txn-hash-of-10-EUR-to-A"

    static func ticket(
        _ harness: Harness,
        acr: String = "aal2",
        maxAge: Int? = 300,
        transactionHash: String? = transaction,
        returnTo: String = "/bank/transfer",
        lifetime: Int64 = 300
    ) -> StepUpTicket {
        StepUpTicket(
            action: "transfer",
            acr: acr,
            maxAge: maxAge,
            transactionHash: transactionHash,
            details: .object([
                "fields": .object(["amount": "10.00", "currency": "EUR", "payee": "A <script>"]),
                "reasons": .array([.object(["code": "device.new", "text": "This device is new for this account."])]),
            ]),
            returnTo: returnTo,
            expiresAt: Int64(harness.clock.now.timeIntervalSince1970) + lifetime
        )
    }

    static func open(_ harness: Harness, _ browser: inout Browser, _ ticket: StepUpTicket) -> HTTPResponse {
        let sealed = ticket.sealed(key: harness.provider.stepUpKey)
        return browser.send(.get, "/stepup?" + Browser.encode([("ticket", sealed)]))
    }

    @Test func boundTransaction_showsWhatIsApproved_thenGrantsItOnce() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let start = Self.open(harness, &browser, Self.ticket(harness))
        #expect(start.status == 303)
        let passwordPage = harness.open(&browser, start.location)
        #expect(passwordPage.hiddenField("step") == "password")
        #expect(passwordPage.text.contains("You are approving"))
        #expect(passwordPage.text.contains("<td>10.00</td>"))
        #expect(passwordPage.text.contains("A &lt;script&gt;"))
        #expect(passwordPage.text.contains("This device is new for this account."))
        harness.clock.advance(by: 2)
        let otpPage = harness.answer(&browser, passwordPage, harness.passwordFields())
        #expect(otpPage.hiddenField("step") == "otp")
        #expect(otpPage.text.contains("You are approving"))
        harness.clock.advance(by: 2)
        let done = harness.answer(&browser, otpPage, [("otp", harness.totp())])
        #expect(done.status == 303)
        #expect(done.location == "/bank/transfer")

        let session = try #require(browser.cookies[harness.provider.sessionCookieName])
        let consume = {
            try harness.store.consumeTransactionGrant(
                sessionIDHash: SecretHash.hash(session),
                action: "transfer",
                transactionHash: Self.transaction,
                now: harness.clock.now
            )
        }
        #expect(try consume())
        #expect(try !consume())

        let records = try harness.auditRecords()
        #expect(records.first?.kind == "flow.started")
        #expect(records.first?.fields[AuditKey.action] == "transfer")
        let granted = try #require(records.last)
        #expect(granted.kind == "grant.issued")
        #expect(granted.fields[AuditKey.transaction] == Self.transaction)
        #expect(granted.fields[AuditKey.subject] == harness.alice.id)
    }

    @Test func boundTransaction_withAnAal2Session_stillAsksForAFreshSecondFactor() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        harness.clock.advance(by: 30)  // the TOTP step used at sign-in cannot be used again

        let start = Self.open(harness, &browser, Self.ticket(harness))
        let page = harness.open(&browser, start.location)
        #expect(page.hiddenField("step") == "otp")
        harness.clock.advance(by: 1)
        let done = harness.answer(&browser, page, [("otp", harness.totp())])
        #expect(done.location == "/bank/transfer")
    }

    @Test func unboundAction_withASessionThatMeetsIt_returnsWithoutAPrompt() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        harness.clock.advance(by: 5)

        let start = Self.open(harness, &browser, Self.ticket(harness, transactionHash: nil))
        let page = harness.open(&browser, start.location)
        #expect(page.status == 303)
        #expect(page.location == "/bank/transfer")
    }

    @Test func tamperedTicket_isRefused_andChangesNothing() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let sealed = Self.ticket(harness).sealed(key: harness.provider.stepUpKey)
        let lowered = Self.ticket(harness, acr: "aal1").sealed(key: harness.provider.stepUpKey)
        // The payload of an aal1 ticket with the signature of the aal2 one.
        let forged = String(lowered.split(separator: ".")[0]) + "." + String(sealed.split(separator: ".")[1])
        let before = try harness.snapshot()
        for text in [forged, sealed + "x", "garbage", "", "a.b"] {
            let response = browser.send(.get, "/stepup?" + Browser.encode([("ticket", text)]))
            #expect(response.status == 400)
        }
        #expect(browser.send(.get, "/stepup").status == 400)
        #expect(try harness.snapshot() == before)
        #expect(browser.cookies.isEmpty)
    }

    @Test func expiredTicket_isRefused_andChangesNothing() throws {
        let harness = try Harness()
        var browser = harness.browser()
        let ticket = Self.ticket(harness, lifetime: 60)
        harness.clock.advance(by: 60)
        let before = try harness.snapshot()
        #expect(Self.open(harness, &browser, ticket).status == 400)
        #expect(try harness.snapshot() == before)
    }

    @Test func ticketReturningElsewhere_isRefused() throws {
        let harness = try Harness()
        var browser = harness.browser()
        for target in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "bank", "/a b"] {
            #expect(Self.open(harness, &browser, Self.ticket(harness, returnTo: target)).status == 400)
        }
    }

    @Test func challengeTakenToAnotherBrowser_isRefused() throws {
        let harness = try Harness()
        var browser = harness.browser()
        var other = harness.browser()
        _ = harness.signIn(&other, ClientRequest(acr: "aal1"))
        let start = Self.open(harness, &browser, Self.ticket(harness))
        let before = try harness.snapshot()
        let page = harness.open(&other, start.location)
        #expect(page.status == 400)
        #expect(try harness.snapshot() == before)
    }

    @Test func wrongSecondFactor_grantsNothing() throws {
        let harness = try Harness()
        var browser = harness.browser()
        _ = harness.signIn(&browser, ClientRequest(acr: "aal2"))
        harness.clock.advance(by: 30)
        let start = Self.open(harness, &browser, Self.ticket(harness))
        let page = harness.open(&browser, start.location)
        let wrong = harness.answer(&browser, page, [("otp", harness.totp(offset: 5))])
        #expect(wrong.status == 400)
        let session = try #require(browser.cookies[harness.provider.sessionCookieName])
        #expect(
            try !harness.store.consumeTransactionGrant(
                sessionIDHash: SecretHash.hash(session),
                action: "transfer",
                transactionHash: Self.transaction,
                now: harness.clock.now
            )
        )
    }

    @Test func challengeHeader_followsRFC9470() {
        let header = StepUpChallenge.header(acr: "aal2", maxAge: 300, description: "needs \"more\"\n")
        #expect(
            header
                == #"Bearer error="insufficient_user_authentication", error_description="needs \"more\"", acr_values="aal2", max_age=300"#
        )
        #expect(!StepUpChallenge.header(acr: "aal3", maxAge: nil, description: "x").contains("max_age"))
    }
}
