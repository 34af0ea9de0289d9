import Foundation
import StepgateCore
import StepgateCrypto

/// `stepgate-bench`: measures our ES256 sign and verify and TOTP checks per second, one core,
/// and the risk engine's microseconds per decision,
/// for `make bench` to compare with `openssl speed ecdsap256` in the same run.
@main
struct StepgateBench {
    static func main() throws {
        let seconds = Double(CommandLine.arguments.dropFirst().first ?? "3") ?? 3
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
