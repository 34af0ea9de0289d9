import FuzzSupport
import StepgateHTTP

/// `Cookies.parse(header:)`, `Cookies.parseStrict(header:)` and `HTTPRequest.bearerToken` on
/// arbitrary header text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHeaders(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let header = FuzzInput(data, size).text

    let cookies = Cookies.parse(header: header)
    require(cookies.count <= Cookies.maximumCount, "more cookies than the limit")
    require(!cookies.keys.contains(""), "a cookie with an empty name")
    if let strict = try? Cookies.parseStrict(header: header) {
        require(strict == cookies, "strict and lenient parses disagree without duplicates")
    }

    let request = HTTPRequest(
        method: .get,
        path: "/userinfo",
        headers: HTTPHeaders([("Authorization", header)])
    )
    if let token = request.bearerToken {
        require(!token.isEmpty, "an empty bearer token")
        require(header.hasSuffix(token), "the token is not the end of the header")
        require(!token.contains(" "), "a bearer token with a space")
    }
    return 0
}
