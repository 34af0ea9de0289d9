import Foundation
import Testing

@testable import StepgateCore

@Suite struct PolicyLoadingTests {
    @Test func load_readsBankPolicy() throws {
        let policy = try PolicyFixture.load(PolicyFixture.bank)
        #expect(
            policy.actions.map(\.name) == [
                "view_balance", "add_payee", "transfer", "change_phone", "export_statements",
            ]
        )
        let transfer = try #require(policy.actions.first { $0.name == "transfer" })
        #expect(transfer.method == "POST")
        #expect(transfer.level == "aal2")
        #expect(transfer.maxAge == nil)
        #expect(transfer.binding.map(\.description) == ["body.amount", "body.currency", "body.payee"])
        #expect(transfer.amount?.description == "body.amount")
        #expect(transfer.rules.map(\.line) == [18, 19, 20])
        #expect(transfer.rules.map(\.effect) == [.level("aal3"), .deny, .level("aal3")])
        #expect(policy.actions.first { $0.name == "add_payee" }?.maxAge == 300)
        #expect(policy.actions.last?.path.isPrefix == true)
    }

    @Test func load_readsHostAndCommentsAndQuotedValues() throws {
        let policy = try PolicyFixture.load(
            """
            # a comment
            [action.x]
            method = DELETE   # trailing comment
            path = "/api/payees/{id}"
            host = Bank.Example.
            level = aal2
            """
        )
        let action = try #require(policy.actions.first)
        #expect(action.host == "bank.example")
        #expect(action.path.segments == [.literal("api"), .literal("payees"), .parameter("id")])
        #expect(action.method == "DELETE")
    }

    /// Each problem of a policy file, with the line it must name.
    static let problemCases: [(String, String, String)] = [
        (
            "malformed line", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nnonsense",
            "line 5: expected key = value"
        ),
        ("key outside action", "level = aal1\n", "line 1: key level is outside any action"),
        ("unknown section", "[levels]\nx = 1\n", "line 1: expected a section [action.NAME]"),
        (
            "bad action name", "[action.a b]\nmethod = GET\npath = /a\nlevel = aal1",
            "line 1: expected a section [action.NAME]"
        ),
        (
            "unknown key", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\ncolour = red",
            "line 5: action a: unknown key colour"
        ),
        (
            "key twice", "[action.a]\nmethod = GET\nmethod = POST\npath = /a\nlevel = aal1",
            "line 3: action a: key method is already set on line 2"
        ),
        ("missing method", "[action.a]\npath = /a\nlevel = aal1", "line 1: action a: missing key method"),
        ("missing path", "[action.a]\nmethod = GET\nlevel = aal1", "line 1: action a: missing key path"),
        ("missing level", "[action.a]\nmethod = GET\npath = /a", "line 1: action a: missing key level"),
        (
            "lower-case method", "[action.a]\nmethod = get\npath = /a\nlevel = aal1",
            "line 2: action a: method: expected one HTTP method"
        ),
        (
            "two methods", "[action.a]\nmethod = GET POST\npath = /a\nlevel = aal1",
            "line 2: action a: method: expected one HTTP method"
        ),
        (
            "relative path", "[action.a]\nmethod = GET\npath = a/b\nlevel = aal1",
            "line 3: action a: path: expected a path starting with '/'"
        ),
        (
            "empty segment", "[action.a]\nmethod = GET\npath = /a//b\nlevel = aal1",
            "line 3: action a: path: expected no empty segment"
        ),
        (
            "trailing slash", "[action.a]\nmethod = GET\npath = /a/\nlevel = aal1",
            "line 3: action a: path: expected no empty segment"
        ),
        (
            "star inside", "[action.a]\nmethod = GET\npath = /a/*/b\nlevel = aal1",
            "line 3: action a: path: expected '*' only as the last segment"
        ),
        (
            "bad parameter", "[action.a]\nmethod = GET\npath = /a/{}\nlevel = aal1",
            "line 3: action a: path: expected a parameter like {id}"
        ),
        (
            "percent in pattern", "[action.a]\nmethod = GET\npath = /a%2Fb\nlevel = aal1",
            "line 3: action a: path: expected segments of letters"
        ),
        (
            "dot segment", "[action.a]\nmethod = GET\npath = /a/../b\nlevel = aal1",
            "line 3: action a: path: expected segments of letters"
        ),
        (
            "bad host", "[action.a]\nmethod = GET\npath = /a\nhost = bank/x\nlevel = aal1",
            "line 4: action a: host: expected a host name"
        ),
        (
            "unknown level", "[action.a]\nmethod = GET\npath = /a\nlevel = aal9",
            "line 4: action a: level: unknown level; expected one of aal1, aal2, aal3"
        ),
        (
            "bad duration", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nmax_age = 5 minutes",
            "line 5: action a: max_age: the duration is not a whole number"
        ),
        (
            "bad bind field", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nbind = body.amount header.x",
            "line 5: action a: bind: expected fields like body.amount"
        ),
        (
            "bind twice", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nbind = body.x body.x",
            "line 5: action a: bind: field body.x is listed twice"
        ),
        (
            "nested query", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\namount = query.a.b",
            "line 5: action a: amount: expected one field"
        ),
        (
            "rule without arrow", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nrule = risk >= 70 deny",
            "line 5: action a: rule: expected CONDITION -> EFFECT"
        ),
        (
            "rule bad subject", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nrule = speed > 3 -> deny",
            "line 5: action a: rule: expected 'risk' or 'amount'"
        ),
        (
            "rule bad operator", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nrule = risk == 3 -> deny",
            "line 5: action a: rule: expected an operator"
        ),
        (
            "rule risk range", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nrule = risk > 101 -> deny",
            "line 5: action a: rule: expected a risk score from 0 to 100"
        ),
        (
            "rule bad amount",
            "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\namount = body.a\nrule = amount > 1e3 -> deny",
            "line 6: action a: rule: expected an amount like"
        ),
        (
            "rule dangling and", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nrule = risk > 3 and -> deny",
            "line 5: action a: rule: expected a condition"
        ),
        (
            "rule or", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nrule = risk > 3 or risk < 1 -> deny",
            "line 5: action a: rule: expected 'and' or '->'"
        ),
        (
            "rule bad effect", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nrule = risk > 3 -> block",
            "line 5: action a: rule: expected an effect"
        ),
        (
            "rule unknown level", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nrule = risk > 3 -> level aal4",
            "line 5: action a: rule: unknown level"
        ),
        (
            "rule lowers level", "[action.a]\nmethod = GET\npath = /a\nlevel = aal2\nrule = risk > 3 -> level aal1",
            "line 5: action a: rule: level aal1 is not above"
        ),
        (
            "rule bad max_age", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nrule = risk > 3 -> max_age soon",
            "line 5: action a: rule: max_age: the duration"
        ),
        (
            "rule longer max_age",
            "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nmax_age = 1m\nrule = risk > 3 -> max_age 5m",
            "line 6: action a: rule: max_age is not shorter"
        ),
        (
            "rule amount without field", "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\nrule = amount > 3 -> deny",
            "line 5: action a: rule: uses amount"
        ),
        (
            "duplicate name",
            "[action.a]\nmethod = GET\npath = /a\nlevel = aal1\n[action.a]\nmethod = GET\npath = /b\nlevel = aal1",
            "line 5: action a is already defined on line 1"
        ),
        (
            "same requests",
            "[action.a]\nmethod = GET\npath = /x/{id}\nlevel = aal1\n[action.b]\nmethod = GET\npath = /X/{name}\nlevel = aal2",
            "line 5: action b matches the same requests as action a on line 1"
        ),
    ]

    @Test(arguments: problemCases)
    func load_reportsProblemWithLine(name: String, text: String, expected: String) {
        let problems = PolicyFixture.problems(text)
        #expect(problems.count == 1, "\(name): \(problems)")
        #expect(problems.first?.hasPrefix(expected) == true, "\(name): \(problems)")
    }

    @Test func load_reportsEveryProblemInLineOrder() {
        let text = """
            [action.a]
            method = get
            path = nowhere
            level = aal9
            max_age = -5m
            rule = risk >= 200 -> deny
            [action.b]
            method = GET
            path = /b
            level = aal1
            rule = nonsense
            """
        let problems = PolicyFixture.problems(text)
        let lines = problems.map { $0.split(separator: ":").first.map(String.init) ?? "" }
        #expect(lines == ["line 2", "line 3", "line 4", "line 5", "line 6", "line 11"])
        #expect(problems[3].contains("negative"))
    }

    @Test func load_allowsSameShapeOnOtherMethodOrHost() throws {
        let policy = try PolicyFixture.load(
            """
            [action.a]
            method = GET
            path = /x
            level = aal1
            [action.b]
            method = POST
            path = /x
            level = aal1
            [action.c]
            method = GET
            path = /x
            host = other.example
            level = aal1
            [action.d]
            method = GET
            path = /x/*
            level = aal1
            """
        )
        #expect(policy.actions.count == 4)
    }

    @Test func load_refusesEmptyLevelList() {
        #expect(throws: PolicyLoadError.self) { try Policy.load("", levels: []) }
    }

    @Test func load_takesLevelsFromAssurancePolicy() throws {
        let policy = try Policy.load("[action.a]\nmethod = GET\npath = /a\nlevel = aal3", assurance: .standard)
        #expect(policy.levels == ["aal1", "aal2", "aal3"])
    }

    @Test func load_readsCRLFLineEnds() throws {
        let text = "[action.transfer]\r\nmethod = POST\r\npath = /api/transfers\r\nlevel = aal2\r\n"
        let policy = try Policy.load(text, levels: ["aal1", "aal2"])
        #expect(policy.actions.map(\.name) == ["transfer"])
        #expect(policy.actions.first?.level == "aal2")
    }

    /// Found by FuzzPolicy: `bank.example:8443.` was kept as `bank.example:8443` (the port cut
    /// at the last `:` only when digits followed it, then one final dot dropped), a host no
    /// request normalises to, so the action silently matched nothing; `fe80::1` became `fe80:`.
    @Test(arguments: ["bank.example:8443.", "fe80::1", "bank.example:x", "bank.example:", "...", "[::1", "[]:443"])
    func load_refusesHostsThatNormalisingWouldChange(_ host: String) {
        let text = "[action.a]\nmethod = GET\npath = /a\nhost = \(host)\nlevel = aal1"
        #expect(throws: PolicyLoadError.self) { try Policy.load(text, levels: ["aal1"]) }
    }

    @Test(arguments: [
        ("Bank.Example.", "bank.example"), ("bank.example:8443", "bank.example"),
        ("[2001:DB8::1]:443", "[2001:db8::1]"), ("192.0.2.1:80", "192.0.2.1"),
    ])
    func load_normalisesHostsToWhatTheirRequestsMeet(_ host: String, _ expected: String) throws {
        let policy = try Policy.load(
            "[action.a]\nmethod = GET\npath = /a\nhost = \(host)\nlevel = aal1",
            levels: ["aal1"]
        )
        let action = try #require(policy.actions.first)
        #expect(action.host == expected)
        #expect(RequestPath.normalizedHost(expected) == expected)
        for requestHost in [host, expected, expected.uppercased() + ".:8080"] {
            #expect(policy.match(PolicyRequest(method: "GET", target: "/a", host: requestHost)) == .action(action))
        }
    }
}
