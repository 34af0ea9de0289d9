import StepgateProbe
import Testing

@Suite struct AuthChallengeParserTests {
    @Test func parse_readsTheRFC9470Example() throws {
        let header =
            #"Bearer error="insufficient_user_authentication", error_description="A different authentication level is required", acr_values="myACR""#
        let challenges = try AuthChallengeParser.parseStrictly(header)
        #expect(challenges.count == 1)
        let requirement = try #require(StepUpRequirement(challenges[0]))
        #expect(requirement.acrValues == ["myACR"])
        #expect(requirement.maxAge == nil)
    }

    @Test func parse_readsMaxAgeAsTokenOrQuotedAndSeveralLevels() throws {
        let token = try #require(
            AuthChallengeParser.parse(#"Bearer error="insufficient_user_authentication", max_age=5"#).first
        )
        #expect(StepUpRequirement(token)?.maxAge == 5)
        let quoted = try #require(
            AuthChallengeParser.parse(
                #"bearer ERROR="insufficient_user_authentication",acr_values="aal2 aal3",max_age="300""#
            )
            .first
        )
        #expect(StepUpRequirement(quoted) == StepUpRequirement(acrValues: ["aal2", "aal3"], maxAge: 300))
    }

    @Test func parse_splitsSeveralChallenges() throws {
        let header = #"Basic realm="a, b", Bearer realm="x",error="invalid_token" , Newauth abc==, Other"#
        let challenges = try AuthChallengeParser.parseStrictly(header)
        #expect(challenges.map(\.scheme) == ["Basic", "Bearer", "Newauth", "Other"])
        #expect(challenges[0].parameter("realm") == "a, b")
        #expect(challenges[1].parameter("ERROR") == "invalid_token")
        #expect(challenges[2].token68 == "abc==")
        #expect(challenges[3].parameters.isEmpty && challenges[3].token68 == nil)
        #expect(StepUpRequirement(challenges[1]) == nil)
    }

    @Test func parse_unescapesQuotedPairs() throws {
        let challenge = try #require(AuthChallengeParser.parse(#"Bearer error="a\"b\\c""#).first)
        #expect(challenge.parameter("error") == #"a"b\c"#)
    }

    @Test func stepUpRequirement_refusesABadMaxAge() throws {
        for value in ["-1", "x", "1.5", "\"\""] {
            let header = "Bearer error=\"insufficient_user_authentication\", max_age=\(value)"
            let challenge = AuthChallengeParser.parse(header).first
            #expect(challenge.flatMap(StepUpRequirement.init) == nil, "max_age=\(value)")
        }
    }

    @Test func repeatedParameters_areFlagged() throws {
        let challenge = try #require(AuthChallengeParser.parse(#"Bearer error="a", Error="b""#).first)
        #expect(challenge.hasRepeatedParameter)
    }

    @Test(arguments: [
        "Bearer error=\"unterminated",
        "Bearer error==x",
        "Bearer =value",
        "Bearer abc== def",
        "Bearer error=\"a\" error2",
        "Bearer, error=\"x\"\u{1}",
        "Bearer error=\"\u{7}\"",
    ])
    func parseStrictly_refusesMalformedHeaders(_ header: String) {
        #expect(throws: AuthChallengeError.self) { try AuthChallengeParser.parseStrictly(header) }
        #expect(AuthChallengeParser.parse(header).isEmpty)
    }

    @Test func parse_isBounded() {
        let long = "Bearer " + String(repeating: "a", count: AuthChallengeParser.maxLength)
        #expect(AuthChallengeParser.parse(long).isEmpty)
        let many = Array(repeating: "X", count: AuthChallengeParser.maxItems + 1).joined(separator: ", ")
        #expect(AuthChallengeParser.parse(many).isEmpty)
    }
}
