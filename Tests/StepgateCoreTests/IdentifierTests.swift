import StepgateCrypto
import Testing

@testable import StepgateCore

@Suite struct IdentifierTests {
    @Test func random_isBase64URLOfRequestedBytes() {
        #expect(Identifier.random(CountingRandom(), bytes: 3) == "AAEC")
        #expect(Identifier.random(CountingRandom()).count == 22)
        #expect(Base64URL.decode(Identifier.random(SystemRandom(), bytes: 32))?.count == 32)
    }

    @Test func random_differsEachCall() {
        #expect(Identifier.random(SystemRandom()) != Identifier.random(SystemRandom()))
    }
}
