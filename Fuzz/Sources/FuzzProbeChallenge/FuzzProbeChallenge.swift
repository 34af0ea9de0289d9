import FuzzSupport
import StepgateProbe

/// `AuthChallengeParser` on arbitrary `WWW-Authenticate` values (they come from the target):
/// the lenient and strict parses agree, results stay within the limits, and the RFC 9470
/// reading of each challenge is consistent.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProbeChallenge(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let header = FuzzInput(data, size).text
    let lenient = AuthChallengeParser.parse(header)
    let strict = try? AuthChallengeParser.parseStrictly(header)
    require(lenient == (strict ?? []), "strict and lenient parses disagree")
    require(lenient.count <= AuthChallengeParser.maxItems, "more challenges than the limit")
    for challenge in lenient {
        require(!challenge.scheme.isEmpty, "a challenge without a scheme")
        require(challenge.parameters.count <= AuthChallengeParser.maxItems, "more parameters than the limit")
        require(challenge.token68 == nil || challenge.parameters.isEmpty, "token68 and parameters together")
        if let requirement = StepUpRequirement(challenge) {
            require(challenge.isBearer, "a step-up requirement from a non-Bearer challenge")
            require(requirement.maxAge.map { $0 >= 0 } ?? true, "a negative max_age")
            require(requirement.acrValues.allSatisfy { !$0.isEmpty && !$0.contains(" ") }, "an empty acr value")
        }
    }
    return 0
}
