import StepgateCrypto
import StepgateHTTP
import Testing

@testable import StepgateProbe

@Suite struct MalformedBodyTests {
    @Test func truncatedJSON_isNeverValidJSON() {
        let value: JSONValue = ["grant_type": "authorization_code", "code": "abc", "n": 1]
        let cut = MalformedBody.truncatedJSON(value)
        #expect(cut.count < value.serialized().count)
        #expect((try? JSONValue.parse(cut)) == nil)
    }

    @Test func truncatedForm_endsInsideAPercentEscape() {
        let cut = String(decoding: MalformedBody.truncatedForm([("a", "b"), ("uri", "http://x/")]), as: UTF8.self)
        #expect(cut == "a=b&uri=http%3A%2F%2Fx%2")
        let added = String(decoding: MalformedBody.truncatedForm([("a", "b")]), as: UTF8.self)
        #expect(added == "a=b%2")
    }

    @Test func duplicatedForm_repeatsEveryField() {
        let body = String(decoding: MalformedBody.duplicatedForm([("a", "1"), ("b", "2")], other: "x"), as: UTF8.self)
        #expect(body == "a=1&b=2&a=x&b=x")
    }

    @Test func oversized_bodiesHaveTheirLength() {
        #expect(MalformedBody.oversizedForm().count == 2 << 20)
        let json = MalformedBody.oversizedJSON(length: 100)
        #expect(json.count == 100)
        #expect((try? JSONValue.parse(json)) != nil)
    }

    @Test func deeplyNestedJSON_isBalancedAndDeep() {
        let arrays = String(decoding: MalformedBody.deeplyNestedJSON(depth: 3), as: UTF8.self)
        #expect(arrays == "[[[1]]]")
        let objects = String(decoding: MalformedBody.deeplyNestedJSON(depth: 2, objects: true), as: UTF8.self)
        #expect(objects == #"{"a":{"a":1}}"#)
        #expect(MalformedBody.deeplyNestedJSON().count == 20_001)
    }

    @Test func jwt_hasOneBadSegment() {
        for segment in 0..<3 {
            for (_, text) in MalformedBody.badBase64URL {
                let token = MalformedBody.jwt(badSegment: segment, text)
                let parts = token.split(separator: ".", omittingEmptySubsequences: false)
                #expect(parts.count == 3)
                #expect(Base64URL.decode(parts[segment]) == nil)
                #expect(parts.enumerated().filter { Base64URL.decode($0.element) == nil }.count == 1)
            }
        }
    }

    static func response(_ status: Int, body: String = "", location: String? = nil) -> ProbeResponse {
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let location { headers.append(("Location", location)) }
        return ProbeResponse(
            url: "https://provider.example/token",
            status: status,
            headers: HTTPHeaders(headers),
            body: Array(body.utf8)
        )
    }

    @Test(arguments: [400, 401, 404, 413, 415, 431])
    func problem_acceptsAClearRefusal(_ status: Int) {
        #expect(PayloadAnswer.response(Self.response(status)).problem() == nil)
    }

    @Test(arguments: [200, 204, 302, 500, 502])
    func problem_rejectsAnythingButA4xx(_ status: Int) {
        #expect(PayloadAnswer.response(Self.response(status)).problem() != nil)
    }

    @Test func problem_rejectsATokenOrACodeWhateverTheStatus() {
        let token = Self.response(400, body: #"{"access_token":"abc"}"#)
        #expect(PayloadAnswer.response(token).problem() != nil)
        let code = Self.response(400, location: "https://client.example/cb?code=abc")
        #expect(PayloadAnswer.response(code).problem() != nil)
    }

    @Test func problem_acceptsAClosedConnectionOnlyWhereAllowed() {
        #expect(PayloadAnswer.closed.problem(closeAllowed: true) == nil)
        #expect(PayloadAnswer.closed.problem() != nil)
        #expect(PayloadAnswer.timedOut.problem(closeAllowed: true) != nil)
    }
}
