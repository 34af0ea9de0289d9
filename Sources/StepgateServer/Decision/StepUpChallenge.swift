/// The `WWW-Authenticate` challenge of RFC 9470 §3: the proof presented (or its absence) falls
/// short of what the action needs.
///
/// `error="insufficient_user_authentication"` with the level to reach (`acr_values`) and, when
/// the action has one, the freshness (`max_age`, seconds). The description is fixed text chosen
/// by Stepgate, never taken from the request. `scheme` is `DPoP` for a DPoP-bound token
/// (RFC 9449 §7.1), so the client answers with the same kind of token.
enum StepUpChallenge {
    static func header(acr: String, maxAge: Int?, description: String, scheme: String = "Bearer") -> String {
        var value =
            scheme + " error=\"insufficient_user_authentication\", error_description=\"\(quoted(description))\", "
            + "acr_values=\"\(quoted(acr))\""
        if let maxAge { value += ", max_age=\(maxAge)" }
        return value
    }

    /// `text` safe inside an RFC 9110 quoted-string: `"` and `\` escaped, controls dropped.
    static func quoted(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars where scalar.value >= 0x20 && scalar.value < 0x7F {
            if scalar == "\"" || scalar == "\\" { out.append("\\") }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}
