import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import Synchronization

/// A pretend bank for `make demo`, run behind nginx with Stepgate deciding every request to it
/// (`examples/nginx.conf`, `examples/policy.conf`).
///
/// It keeps no login of its own: nginx asks Stepgate's `/decide` first and passes the identity
/// headers (`X-Stepgate-User`, `-Acr`, `-Amr`, `-Auth-Time`, `-Transaction`) on, overwriting any
/// the client sent. So it must be reachable only through nginx: it listens on loopback. Accounts
/// live in memory and start over with each run.
final class DemoBank: Sendable {
    /// One customer's money and settings.
    struct Account: Sendable {
        var balance: Decimal = 5_000
        var payees: [String] = ["Alice Example", "Bob Builder"]
        var phone = "+44 20 7946 0000"
        var history: [String] = []
    }

    private let accounts = Mutex<[String: Account]>([:])
    /// Signs the bank's own form tokens (CSRF); new each run.
    private let formKey: [UInt8]
    private let clock: any Clock

    init(random: any RandomSource = SystemRandom(), clock: any Clock = SystemClock()) {
        self.formKey = random.bytes(32)
        self.clock = clock
    }

    /// The bank's request handler.
    func makeHandler() -> @Sendable (HTTPRequest) -> HTTPResponse {
        var router = Router()
        router.add(.get, "/bank") { [self] in home($0) }
        router.add(.get, "/bank/") { [self] in home($0) }
        router.add(.get, "/bank/transfer/review") { [self] in review($0) }
        router.add(.post, "/bank/transfer") { [self] in transfer($0) }
        router.add(.post, "/bank/payees") { [self] in addPayee($0) }
        router.add(.post, "/bank/phone") { [self] in changePhone($0) }
        router.add(.get, "/bank/statements/latest.csv") { [self] in statement($0) }
        let routes = router
        return { routes.handle($0) }
    }

    /// Who nginx says the user is, and how they proved it.
    struct Identity {
        let userID: String
        let name: String
        let acr: String
        let amr: String
        let authTime: Date?
    }

    private func identity(_ request: HTTPRequest) -> Identity? {
        guard let userID = request.headers["X-Stepgate-User"], !userID.isEmpty else { return nil }
        return Identity(
            userID: userID,
            name: request.headers["X-Stepgate-User-Name"] ?? userID,
            acr: request.headers["X-Stepgate-Acr"] ?? "",
            amr: request.headers["X-Stepgate-Amr"] ?? "",
            authTime: request.headers["X-Stepgate-Auth-Time"].flatMap { Int64($0) }.map {
                Date(timeIntervalSince1970: TimeInterval($0))
            }
        )
    }

    private func account(_ userID: String) -> Account {
        accounts.withLock { $0[userID] ?? Account() }
    }

    private func formToken(_ user: Identity) -> String {
        Base64URL.encode(HTMLForm.mac(key: formKey, user.userID))
    }

    /// The form of a state-changing request, if its token is this user's. A request with a
    /// bearer token was decided on that token, not on cookies, so no other site can have sent it.
    private func validForm(_ request: HTTPRequest, _ user: Identity) -> FormData? {
        if request.headers["Authorization"] != nil { return (try? request.formBody()) ?? FormData() }
        guard let form = try? request.formBody(), let token = (try? form.single("csrf")) ?? nil,
            constantTimeEquals(token, formToken(user))
        else { return nil }
        return form
    }

    private func notSignedIn() -> HTTPResponse {
        .html(401, HTML.page(title: "Demo bank", body: "<p class=\"error\">Open the bank through its proxy.</p>"))
    }

    // MARK: Pages

    private func home(_ request: HTTPRequest) -> HTTPResponse {
        guard let user = identity(request) else { return notSignedIn() }
        let account = account(user.userID)
        let csrf = formToken(user)
        let payees = account.payees.map { "<option>\(HTML.escape($0))</option>" }.joined()
        let history =
            account.history.isEmpty
            ? "<p class=\"note\">No transfers yet.</p>"
            : "<ul>" + account.history.reversed().map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        let body = """
            <p>Signed in as <strong>\(HTML.escape(user.name))</strong>, proved at <code>\(HTML.escape(user.acr))\
            </code> with <code>\(HTML.escape(user.amr))</code>.</p>
            <table><tr><th>Balance</th><td><strong>\(Self.money(account.balance)) EUR</strong></td></tr>
            <tr><th>Phone</th><td>\(HTML.escape(account.phone))</td></tr></table>
            <h2>Send money</h2>
            <p class="note">Up to 1,000 EUR needs your password and a second factor for this transfer
            alone (a code, a security key or a passkey); more needs a passkey or security key that
            unlocks with your fingerprint or PIN (aal3); a risky request is refused.</p>
            <form method="get" action="/bank/transfer/review">
            <label for="amount">Amount (EUR)</label>
            <input type="text" id="amount" name="amount" inputmode="decimal" value="25.00" required>
            <label for="payee">To</label>
            <select id="payee" name="payee">\(payees)</select>
            <input type="hidden" name="currency" value="EUR">
            <button type="submit">Review transfer</button>
            </form>
            <h2>Add a payee</h2>
            <p class="note">Needs a one-time code from the last 5 minutes.</p>
            <form method="post" action="/bank/payees">
            <input type="hidden" name="csrf" value="\(csrf)">
            <label for="name">Name</label>
            <input type="text" id="name" name="name" required>
            <button type="submit">Add payee</button>
            </form>
            <h2>Change phone number</h2>
            <p class="note">Needs a one-time code from the last 5 minutes.</p>
            <form method="post" action="/bank/phone">
            <input type="hidden" name="csrf" value="\(csrf)">
            <label for="phone">New phone number</label>
            <input type="text" id="phone" name="phone" autocomplete="tel" required>
            <button type="submit">Change phone number</button>
            </form>
            <h2>Statements</h2>
            <p><a href="/bank/statements/latest.csv">Export the latest statement</a> (needs aal2)</p>
            <h2>History</h2>
            \(history)
            <h2>Sign-in methods</h2>
            <p><a href="/account">Add a passkey, a security key, an authenticator app or recovery codes</a>
            (served by Stepgate; needs a fresh confirmation)</p>
            <p><a href="/logout">Sign out</a></p>
            """
        return .html(200, HTML.page(title: "Demo bank", body: body))
    }

    private func review(_ request: HTTPRequest) -> HTTPResponse {
        guard let user = identity(request) else { return notSignedIn() }
        let query = request.queryItems
        guard let order = Order(query) else {
            return .html(
                400,
                HTML.page(title: "Demo bank", body: "<p class=\"error\">Enter an amount and a payee.</p>")
            )
        }
        // Stepgate sends the browser back here after a step-up for the transfer; the bank cannot
        // tell whether that approval happened, so the note says what happens either way.
        let note =
            "<p class=\"note\">Press Send. If Stepgate asks you to approve exactly this transfer, "
            + "it goes through once you have.</p>"
        let body = """
            <table><tr><th>Amount</th><td>\(HTML.escape(order.amount)) \(HTML.escape(order.currency))</td></tr>
            <tr><th>To</th><td>\(HTML.escape(order.payee))</td></tr></table>
            \(note)
            <form method="post" action="/bank/transfer?\(HTML.escape(order.query))">
            <input type="hidden" name="csrf" value="\(formToken(user))">
            <button type="submit">Send \(HTML.escape(order.amount)) \(HTML.escape(order.currency))</button>
            </form>
            <p><a href="/bank/">Back</a></p>
            """
        var response = HTTPResponse.html(200, HTML.page(title: "Review transfer", body: body))
        // The step-up for the transfer returns to the page that posted it, which Stepgate learns
        // from the Referer; the server-wide `no-referrer` would send the user to `/` instead.
        response.headers.set("Referrer-Policy", "same-origin")
        return response
    }

    private func transfer(_ request: HTTPRequest) -> HTTPResponse {
        guard let user = identity(request) else { return notSignedIn() }
        guard validForm(request, user) != nil, let order = Order(request.queryItems),
            let amount = DecimalText.plainDecimal(order.amount)
        else { return .html(400, HTML.page(title: "Demo bank", body: "<p class=\"error\">This form has expired.</p>")) }
        let approved = request.headers["X-Stepgate-Transaction"] ?? "none"
        let line =
            "Sent \(order.amount) \(order.currency) to \(order.payee) (approved transaction \(approved.prefix(12))…)"
        let balance = accounts.withLock { accounts -> Decimal in
            var account = accounts[user.userID] ?? Account()
            account.balance -= amount
            account.history.append(line)
            accounts[user.userID] = account
            return account.balance
        }
        let body = """
            <p><strong>Sent \(HTML.escape(order.amount)) \(HTML.escape(order.currency)) to \(HTML.escape(order.payee)).\
            </strong></p>
            <p>Stepgate let this request through once, for exactly this amount and payee, because you approved it
            (<code>\(HTML.escape(user.amr))</code>). Sending it again would need a new approval.</p>
            <table><tr><th>New balance</th><td>\(Self.money(balance)) EUR</td></tr></table>
            <p><a href="/bank/">Back to the bank</a></p>
            """
        return .html(200, HTML.page(title: "Transfer sent", body: body))
    }

    private func addPayee(_ request: HTTPRequest) -> HTTPResponse {
        guard let user = identity(request) else { return notSignedIn() }
        guard let form = validForm(request, user), let name = (try? form.single("name")) ?? nil,
            !name.isEmpty, name.count <= 80
        else { return .html(400, HTML.page(title: "Demo bank", body: "<p class=\"error\">Enter a name.</p>")) }
        accounts.withLock { accounts in
            var account = accounts[user.userID] ?? Account()
            if !account.payees.contains(name) { account.payees.append(name) }
            accounts[user.userID] = account
        }
        return .redirect(to: "/bank/")
    }

    private func changePhone(_ request: HTTPRequest) -> HTTPResponse {
        guard let user = identity(request) else { return notSignedIn() }
        guard let form = validForm(request, user), let phone = (try? form.single("phone")) ?? nil,
            !phone.isEmpty, phone.count <= 32
        else { return .html(400, HTML.page(title: "Demo bank", body: "<p class=\"error\">Enter a number.</p>")) }
        accounts.withLock { accounts in
            var account = accounts[user.userID] ?? Account()
            account.phone = phone
            accounts[user.userID] = account
        }
        return .redirect(to: "/bank/")
    }

    private func statement(_ request: HTTPRequest) -> HTTPResponse {
        guard let user = identity(request) else { return notSignedIn() }
        let account = account(user.userID)
        var csv =
            "entry\n"
            + account.history.map { "\"\($0.replacingOccurrences(of: "\"", with: "\"\""))\"" }
            .joined(separator: "\n")
        csv += "\nbalance,\(Self.money(account.balance))\n"
        var response = HTTPResponse(status: 200, body: Array(csv.utf8))
        response.headers.set("Content-Type", "text/csv; charset=utf-8")
        response.headers.set("Content-Disposition", "attachment; filename=\"statement.csv\"")
        return response
    }

    static func money(_ value: Decimal) -> String {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.numberStyle = .decimal
        formatter.minimumFractionDigits = 2
        formatter.maximumFractionDigits = 2
        formatter.groupingSeparator = ","
        formatter.usesGroupingSeparator = true
        return formatter.string(from: value as NSDecimalNumber) ?? "\(value)"
    }

    /// A transfer as the review form and the transfer URI carry it.
    struct Order {
        let amount: String
        let currency: String
        let payee: String

        init?(_ query: FormData) {
            guard let amount = query.value("amount"), let payee = query.value("payee"),
                let value = DecimalText.plainDecimal(amount), value > 0, !payee.isEmpty, payee.count <= 80
            else { return nil }
            self.amount = amount
            self.currency = query.value("currency") ?? "EUR"
            self.payee = payee
        }

        /// The bound fields as the transfer URI's query, in the policy's order.
        var query: String {
            [("amount", amount), ("currency", currency), ("payee", payee)]
                .map { "\($0)=\(AuthorizationRequest.percentEncode($1))" }.joined(separator: "&")
        }
    }
}

/// The bank's form tokens: an HMAC of the user, so a form from another site cannot post here.
enum HTMLForm {
    static func mac(key: [UInt8], _ userID: String) -> [UInt8] {
        HMAC.authenticationCode(.sha256, key: key, message: Array("bank form:\(userID)".utf8))
    }
}
