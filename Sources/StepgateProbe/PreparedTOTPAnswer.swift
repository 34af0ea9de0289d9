/// A TOTP answer ready to send: where it goes and in which client; only the code is missing.
public struct PreparedTOTPAnswer: Sendable {
    enum Target: Sendable {
        case json(url: String, flow: String)
        case form(HTMLForm, page: ProbeResponse, field: String)
    }

    let client: ClientSession
    let target: Target

    /// Sends `code` as the answer.
    public func send(_ code: String) throws(ProbeError) -> ProbeResponse {
        switch target {
        case .json(let url, let flow):
            return try client.postJSON(
                url,
                ["flow": .string(flow), "step": "otp", "otp": .string(code)],
                note: "answer the TOTP step"
            )
        case .form(let form, let page, let field):
            return try LoginDriver.submit(client, form, page: page, [field: code], note: "answer the TOTP step")
        }
    }
}
