import Foundation
import Testing

@testable import StepgateCore

@Suite struct TOTPVerifierTests {
    static let secret = Array("12345678901234567890".utf8)
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let totp = TOTP(secret: secret)
    let verifier = TOTPVerifier()

    @Test func verify_returnsCurrentStep() throws {
        let step = try verifier.verify(
            code: Self.totp.code(at: Self.now),
            secret: Self.secret,
            lastUsedStep: nil,
            at: Self.now
        )
        #expect(step == Self.totp.step(at: Self.now))
    }

    @Test func verify_rejectsMalformedCode() {
        #expect(throws: TOTPError.self) {
            try verifier.verify(code: "12a456", secret: Self.secret, lastUsedStep: nil, at: Self.now)
        }
        #expect(code(of: "12a456") == .malformed)
    }

    @Test func verify_rejectsWrongCode() {
        let wrong = Self.totp.code(step: Self.totp.step(at: Self.now) + 5)
        #expect(code(of: wrong) == .mismatch)
    }

    @Test func verify_rejectsReplayedStep() {
        let step = Self.totp.step(at: Self.now)
        #expect(code(of: Self.totp.code(step: step), lastUsedStep: step) == .replayed)
    }

    @Test func verify_errorsShareOnePublicMessage() {
        let errors = [TOTPError(.malformed, "a"), TOTPError(.mismatch, "b"), TOTPError(.replayed, "c")]
        #expect(Set(errors.map(\.publicMessage)).count == 1)
    }

    @Test func verify_errorDoesNotHoldCode() {
        let wrong = Self.totp.code(step: Self.totp.step(at: Self.now) + 7)
        do {
            _ = try verifier.verify(code: wrong, secret: Self.secret, lastUsedStep: nil, at: Self.now)
            Issue.record("expected a rejection")
        } catch {
            #expect(!error.description.contains(wrong))
            #expect(!error.publicMessage.contains(wrong))
        }
    }

    private func code(of submitted: String, lastUsedStep: Int64? = nil) -> TOTPError.Code? {
        do {
            _ = try verifier.verify(code: submitted, secret: Self.secret, lastUsedStep: lastUsedStep, at: Self.now)
            return nil
        } catch {
            return error.code
        }
    }
}
