import Foundation
import StepgateCore
import StepgateCrypto

/// `stepgate-bench`: measures our ES256 sign and verify and TOTP checks per second, one core,
/// and the risk engine's microseconds per decision,
/// for `make bench` to compare with `openssl speed ecdsap256` in the same run; and the cost of
/// one policy decision (match, rules, transaction binding, decide) at 10, 100 and 1,000 actions.
///
/// `stepgate-bench [SECONDS] [decision]`: SECONDS (default 3) per figure; `decision` measures
/// the decision handler alone, for profiling it. `stepgate-bench seed ...` fills a store instead
/// (see `StoreSeeder`).
@main
struct StepgateBench {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "seed" {
            return try StoreSeeder.run(Array(arguments.dropFirst()))
        }
        let seconds = Double(arguments.first ?? "3") ?? 3
        if arguments.dropFirst().first == "decision" {
            let decision = try DecisionBenchmark.microsecondsPerDecision(seconds: seconds)
            print("decision_handler_us \((decision * 100).rounded() / 100)")
            return
        }
        let key = try ES256PrivateKey.generate()
        let message = Array(repeating: UInt8(ascii: "x"), count: 32)
        let signature = try key.sign(message)
        let publicKey = key.publicKey

        let signs = try rate(seconds) { _ = try key.sign(message) }
        let verifies = try rate(seconds) { _ = publicKey.isValidSignature(signature, for: message) }
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let now = Date()
        let checks = try rate(seconds) { _ = totp.matchingStep(for: "000000", at: now, after: nil) }
        print("es256_sign_per_s \(Int(signs))")
        print("es256_verify_per_s \(Int(verifies))")
        print("totp_check_per_s \(Int(checks))")
        let risk = try RiskBenchmark.microsecondsPerDecision(seconds: seconds)
        print("risk_evaluate_us \((risk * 100).rounded() / 100)")
        let decision = try DecisionBenchmark.microsecondsPerDecision(seconds: seconds)
        print("decision_handler_us \((decision * 100).rounded() / 100)")
        for size in [10, 100, 1000] {
            let nanoseconds = try policyDecisionNanoseconds(actions: size, seconds: seconds)
            print("policy_decision_ns_\(size)_actions \(Int(nanoseconds))")
        }
    }

    /// Nanoseconds per bound transfer decision under a policy of `actions` actions.
    static func policyDecisionNanoseconds(actions: Int, seconds: Double) throws -> Double {
        var text = """
            [action.transfer]
            method = POST
            path = /api/transfers
            level = aal2
            max_age = 5m
            bind = body.amount body.currency body.payee
            amount = body.amount
            rule = amount > 1000 -> level aal3
            rule = risk >= 70 -> deny
            rule = risk >= 40 -> level aal3

            """
        for number in 1..<actions {
            let method = ["GET", "POST", "PUT", "DELETE"][number % 4]
            text += "[action.a\(number)]\nmethod = \(method)\npath = /api/r\(number % 37)/item\(number)/{id}\n"
            text += "level = aal\(1 + number % 2)\nrule = risk >= 50 -> level aal3\n"
        }
        let policy = try Policy.load(text, levels: ["aal1", "aal2", "aal3"])
        let request = PolicyRequest(
            method: "POST",
            target: "/api/transfers",
            host: "bank.example",
            body: Array(#"{"amount": 250.00, "currency": "EUR", "payee": "DE89370400440532013000"}"#.utf8)
        )
        let now = Date()
        let proof = AuthenticationProof(acr: "aal2", authTime: now.addingTimeInterval(-60), amr: ["pwd", "otp"])
        let perSecond = try rate(seconds) {
            guard let requirement = policy.evaluate(request, riskScore: 20) else { return }
            _ = PolicyDecision.decide(requirement, proof: proof, now: now, levels: policy.levels)
        }
        return 1e9 / perSecond
    }

    /// How many times `body` runs per second over about `seconds`.
    static func rate(_ seconds: Double, _ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        var count = 0
        var elapsed = 0.0
        while elapsed < seconds {
            for _ in 0..<64 { try body() }
            count += 64
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        return Double(count) / elapsed
    }
}
