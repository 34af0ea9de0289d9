import Foundation
import StepgateCrypto
import Testing

@testable import StepgateCore

@Suite struct TOTPTests {
    static let sha1Seed = Array("12345678901234567890".utf8)
    static let sha256Seed = Array("12345678901234567890123456789012".utf8)
    static let sha512Seed = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    struct Vector: Sendable, CustomTestStringConvertible {
        let time: TimeInterval
        let algorithm: DigestAlgorithm
        let code: String
        var testDescription: String { "\(Int64(time)) \(algorithm.rawValue)" }
    }

    /// RFC 6238 Appendix B, every row.
    static let appendixB: [Vector] = [
        Vector(time: 59, algorithm: .sha1, code: "94287082"),
        Vector(time: 59, algorithm: .sha256, code: "46119246"),
        Vector(time: 59, algorithm: .sha512, code: "90693936"),
        Vector(time: 1_111_111_109, algorithm: .sha1, code: "07081804"),
        Vector(time: 1_111_111_109, algorithm: .sha256, code: "68084774"),
        Vector(time: 1_111_111_109, algorithm: .sha512, code: "25091201"),
        Vector(time: 1_111_111_111, algorithm: .sha1, code: "14050471"),
        Vector(time: 1_111_111_111, algorithm: .sha256, code: "67062674"),
        Vector(time: 1_111_111_111, algorithm: .sha512, code: "99943326"),
        Vector(time: 1_234_567_890, algorithm: .sha1, code: "89005924"),
        Vector(time: 1_234_567_890, algorithm: .sha256, code: "91819424"),
        Vector(time: 1_234_567_890, algorithm: .sha512, code: "93441116"),
        Vector(time: 2_000_000_000, algorithm: .sha1, code: "69279037"),
        Vector(time: 2_000_000_000, algorithm: .sha256, code: "90698825"),
        Vector(time: 2_000_000_000, algorithm: .sha512, code: "38618901"),
        Vector(time: 20_000_000_000, algorithm: .sha1, code: "65353130"),
        Vector(time: 20_000_000_000, algorithm: .sha256, code: "77737706"),
        Vector(time: 20_000_000_000, algorithm: .sha512, code: "47863826"),
    ]

    static func seed(for algorithm: DigestAlgorithm) -> [UInt8] {
        switch algorithm {
        case .sha256: sha256Seed
        case .sha512: sha512Seed
        default: sha1Seed
        }
    }

    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let totp = TOTP(secret: sha1Seed)

    @Test(arguments: appendixB)
    func code_matchesRFC6238AppendixB(vector: Vector) {
        let totp = TOTP(secret: Self.seed(for: vector.algorithm), digits: 8, algorithm: vector.algorithm)
        #expect(totp.code(at: Date(timeIntervalSince1970: vector.time)) == vector.code)
    }

    @Test func step_countsPeriodsSinceEpoch() {
        #expect(Self.totp.step(at: Date(timeIntervalSince1970: 59)) == 1)
        #expect(Self.totp.step(at: Date(timeIntervalSince1970: 60)) == 2)
        #expect(Self.totp.step(at: Date(timeIntervalSince1970: 20_000_000_000)) == 666_666_666)
    }

    @Test(arguments: [-1, 0, 1])
    func matchingStep_acceptsDriftWithinOneStep(offset: Int64) {
        let current = Self.totp.step(at: Self.now)
        let code = Self.totp.code(step: current + offset)
        #expect(Self.totp.matchingStep(for: code, at: Self.now, after: nil) == current + offset)
    }

    @Test(arguments: [-2, 2])
    func matchingStep_rejectsDriftOfTwoSteps(offset: Int64) {
        let current = Self.totp.step(at: Self.now)
        let code = Self.totp.code(step: current + offset)
        #expect(Self.totp.matchingStep(for: code, at: Self.now, after: nil) == nil)
    }

    @Test func matchingStep_zeroDriftAcceptsOnlyCurrentStep() {
        let current = Self.totp.step(at: Self.now)
        #expect(
            Self.totp.matchingStep(for: Self.totp.code(step: current), at: Self.now, drift: 0, after: nil) == current
        )
        let previous = Self.totp.code(step: current - 1)
        #expect(Self.totp.matchingStep(for: previous, at: Self.now, drift: 0, after: nil) == nil)
    }

    @Test func matchingStep_rejectsReplayOfSameStep() {
        let current = Self.totp.step(at: Self.now)
        let code = Self.totp.code(step: current)
        #expect(Self.totp.matchingStep(for: code, at: Self.now, after: current) == nil)
    }

    @Test func matchingStep_rejectsEarlierStepAfterLaterUse() {
        let current = Self.totp.step(at: Self.now)
        let code = Self.totp.code(step: current - 1)
        #expect(Self.totp.matchingStep(for: code, at: Self.now, after: current) == nil)
    }

    @Test func matchingStep_acceptsStepAfterLastUsed() {
        let current = Self.totp.step(at: Self.now)
        let code = Self.totp.code(step: current + 1)
        #expect(Self.totp.matchingStep(for: code, at: Self.now, after: current) == current + 1)
    }

    @Test func matchingStep_acceptsLaterCodeWithTestClock() {
        let clock = InsecureTestClock(Self.now)
        let first = Self.totp.matchingStep(for: Self.totp.code(at: clock.now), at: clock.now, after: nil)
        clock.advance(by: 30)
        let second = Self.totp.matchingStep(for: Self.totp.code(at: clock.now), at: clock.now, after: first)
        #expect(first != nil)
        #expect(second == first.map { $0 + 1 })
    }

    @Test(arguments: [
        "12345", "1234567", "12345a", "abcdef", " 12345", "12345 ", "123 45", "", "+12345",
        "١٢٣٤٥٦", "１２３４５６",
    ])
    func matchingStep_rejectsMalformedCode(code: String) {
        #expect(Self.totp.matchingStep(for: code, at: Self.now, after: nil) == nil)
        #expect(Self.totp.match(code, at: Self.now, drift: 1, after: nil) == .malformed)
    }

    @Test func generateSecret_returns20BytesFromSource() {
        let secret = TOTP.generateSecret(random: CountingRandom())
        #expect(secret == Array(0..<20))
    }

    @Test func provisioningURI_hasDefaultParameters() {
        let uri = TOTP(secret: Array("12345678901234567890".utf8)).provisioningURI(issuer: "Stepgate", account: "alice")
        #expect(
            uri
                == "otpauth://totp/Stepgate:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=Stepgate&algorithm=SHA1&digits=6&period=30"
        )
    }

    @Test func provisioningURI_percentEncodesLabelAndIssuer() {
        let uri = Self.totp.provisioningURI(issuer: "Acme & Co:Bank", account: "alice+1@example.com é/?#")
        let label = "Acme%20%26%20Co%3ABank:alice%2B1%40example.com%20%C3%A9%2F%3F%23"
        #expect(uri.hasPrefix("otpauth://totp/" + label + "?secret="))
        #expect(uri.contains("&issuer=Acme%20%26%20Co%3ABank&"))
    }

    @Test func provisioningURI_namesAlgorithmDigitsAndPeriod() {
        let totp = TOTP(secret: Self.sha256Seed, digits: 8, period: 60, algorithm: .sha256)
        #expect(totp.provisioningURI(issuer: "x", account: "y").hasSuffix("&algorithm=SHA256&digits=8&period=60"))
    }

    @Test func description_hidesSecret() {
        #expect("\(Self.totp)" == "TOTP(<redacted>)")
        #expect(String(reflecting: Self.totp) == "TOTP(<redacted>)")
    }
}
