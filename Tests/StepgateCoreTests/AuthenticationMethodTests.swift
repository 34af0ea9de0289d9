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
}
