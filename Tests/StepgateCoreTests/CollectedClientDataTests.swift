import StepgateCore
import Testing

/// `CollectedClientData(json:)`: the members WebAuthn §5.8.1 defines, read strictly.
struct CollectedClientDataTests {
    func code(_ json: String) -> WebAuthnError.Code? {
        #expect(throws: WebAuthnError.self) { try CollectedClientData(json: Array(json.utf8)) }?.code
    }

    @Test
    func init_readsMembersAndIgnoresOthers() throws {
        let json = #"""
            {"type":"webauthn.get","challenge":"AQID","origin":"https://stepgate.example","crossOrigin":false,
             "other_keys_can_be_added_here":"do not compare clientDataJSON against a template","tokenBinding":{"status":"supported"}}
            """#
        let data = try CollectedClientData(json: Array(json.utf8))
        #expect(data.type == .get)
        #expect(data.challenge == [1, 2, 3])
        #expect(data.origin == "https://stepgate.example")
        #expect(!data.crossOrigin)
        #expect(data.topOrigin == nil)
    }

    @Test
    func init_readsTopOrigin() throws {
        let json =
            #"{"type":"webauthn.create","challenge":"","origin":"https://a.example","crossOrigin":true,"topOrigin":"https://b.example"}"#
        let data = try CollectedClientData(json: Array(json.utf8))
        #expect(data.type == .create && data.crossOrigin && data.topOrigin == "https://b.example")
    }

    @Test(arguments: [
        "", "[]", "\"webauthn.get\"", #"{"type":"webauthn.get","challenge":"AQID"}"#,
        #"{"type":"webauthn.get","origin":"https://a.example"}"#,
        #"{"challenge":"AQID","origin":"https://a.example"}"#,
        #"{"type":1,"challenge":"AQID","origin":"https://a.example"}"#,
        #"{"type":"webauthn.get","challenge":["AQID"],"origin":"https://a.example"}"#,
    ])
    func init_refusesMissingOrMistypedMember(_ json: String) {
        #expect(code(json) == .malformed)
    }

    @Test(arguments: ["AQID=", "AQ+D", "AQ/D", "A", "AQ ID"])
    func init_refusesChallengeThatIsNotCanonicalBase64URL(_ challenge: String) {
        #expect(
            code(#"{"type":"webauthn.get","challenge":"\#(challenge)","origin":"https://a.example"}"#) == .malformed
        )
    }

    @Test
    func init_refusesMistypedCrossOriginOrTopOrigin() {
        #expect(code(#"{"type":"webauthn.get","challenge":"","origin":"o","crossOrigin":"false"}"#) == .malformed)
        #expect(code(#"{"type":"webauthn.get","challenge":"","origin":"o","topOrigin":null}"#) == .malformed)
    }

    @Test
    func init_refusesDuplicateMember() {
        let json = #"{"type":"webauthn.get","challenge":"","origin":"https://a.example","origin":"https://b.example"}"#
        #expect(code(json) == .malformed)
    }

    @Test
    func init_refusesInvalidUTF8AndTrailingData() {
        let valid = Array(#"{"type":"webauthn.get","challenge":"","origin":"o"}"#.utf8)
        #expect(throws: WebAuthnError.self) { try CollectedClientData(json: valid + [0xFF]) }
        #expect(throws: WebAuthnError.self) { try CollectedClientData(json: valid + Array(" {}".utf8)) }
    }

    @Test
    func init_refusesDeepNesting() {
        #expect(code(#"{"type":"webauthn.get","challenge":"","origin":"o","x":[[[[1]]]]}"#) == .malformed)
    }
}
