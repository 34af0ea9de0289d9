import Foundation

@testable import StepgateCore

/// Shared fixtures for the policy suites.
enum PolicyFixture {
    static let levels = ["aal1", "aal2", "aal3"]

    /// A bank policy like the demo bank's (examples/policy.conf), with JSON-bound transfers.
    static let bank = """
        [action.view_balance]
        method = GET
        path = /api/balance
        level = aal1

        [action.add_payee]
        method = POST
        path = /api/payees
        level = aal2
        max_age = 5m

        [action.transfer]
        method = POST
        path = /api/transfers
        level = aal2
        bind = body.amount body.currency body.payee
        amount = body.amount
        rule = amount > 1000 -> level aal3
        rule = risk >= 70 -> deny
        rule = risk >= 40 -> level aal3

        [action.change_phone]
        method = POST
        path = /api/phone
        level = aal2
        max_age = 5m

        [action.export_statements]
        method = GET
        path = /api/statements/*
        level = aal2
        """

    static func load(_ text: String) throws -> Policy {
        try Policy.load(text, levels: levels)
    }

    /// The problems loading `text` gives; empty when it loads.
    static func problems(_ text: String) -> [String] {
        do {
            _ = try Policy.load(text, levels: levels)
            return []
        } catch {
            return error.problems
        }
    }

    static func request(_ method: String, _ target: String, host: String? = nil, body: String = "") -> PolicyRequest {
        PolicyRequest(method: method, target: target, host: host, body: Array(body.utf8))
    }

    static func transfer(_ body: String) -> PolicyRequest {
        request("POST", "/api/transfers", body: body)
    }
}
