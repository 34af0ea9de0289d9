import Foundation
import Testing

@testable import StepgateCore

@Suite struct AuthenticationMethodTests {
    @Test func rawValues_matchRFC8176() {
        let methods: [AuthenticationMethod] = [
            .pwd, .otp, .hwk, .swk, .sms, .tel, .user, .pin, .fpt, .face, .mfa, .kba, .rba,
        ]
        #expect(
            methods.map(\.rawValue) == [
                "pwd", "otp", "hwk", "swk", "sms", "tel", "user", "pin", "fpt", "face", "mfa", "kba", "rba",
            ]
        )
    }

    @Test func codable_roundTripsAsPlainString() throws {
        let data = try JSONEncoder().encode([AuthenticationMethod.pwd, .otp])
        #expect(String(decoding: data, as: UTF8.self) == #"["pwd","otp"]"#)
        #expect(try JSONDecoder().decode([AuthenticationMethod].self, from: data) == [.pwd, .otp])
    }

    @Test func factor_sortsMethodsByKind() {
        #expect(AuthenticationMethod.pwd.factor == .knowledge)
        #expect(AuthenticationMethod.otp.factor == .possession)
        #expect(AuthenticationMethod.face.factor == .inherence)
        #expect(AuthenticationMethod.user.factor == nil)
        #expect(AuthenticationMethod(rawValue: "unknown").factor == nil)
    }

    @Test func components_splitComposites() {
        #expect(AuthenticationMethod.hwkVerified.components == [.hwk, .pin])
        #expect(AuthenticationMethod.otp.components == [.otp])
        #expect(AuthenticationMethod.hwkVerified.factors == [.possession, .knowledge])
        #expect(AuthenticationMethod.hwkVerified.factor == nil)
    }

    @Test func satisfies_needsEveryPart() {
        #expect(AuthenticationMethod.hwkVerified.satisfies(.hwk))
        #expect(AuthenticationMethod.hwkVerified.satisfies(.hwkVerified))
        #expect(!AuthenticationMethod.hwk.satisfies(.hwkVerified))
        #expect(!AuthenticationMethod.swkVerified.satisfies(.hwkVerified))
        #expect(!AuthenticationMethod.pin.satisfies(.hwkVerified))
        #expect(AuthenticationMethod.email.factor == .possession)
        #expect(AuthenticationMethod.recovery.factor == .possession)
    }
}
