import Foundation
import StepgateCore

extension ConfigReader {
    /// The factors' keys: the service name, SMS and e-mail codes, WebAuthn, enrolment freshness
    /// and remembered devices (see `ServerConfiguration`).
    mutating func readFactors(into config: inout ServerConfiguration) {
        string("service_name", into: &config.serviceName)
        if config.serviceName.isEmpty || config.serviceName.utf8.count > 64
            || config.serviceName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            problems.append("service_name: expected 1 to 64 characters without control characters")
        }
        duration("otp.lifetime", maximum: 3600, into: &config.otpLifetime)
        integer("otp.max_attempts", range: 1...10, into: &config.otpMaxAttempts)
        duration("otp.resend_interval", maximum: 3600, into: &config.otpResendInterval)
        integer("otp.hourly_limit", range: 1...100, into: &config.otpHourlyLimit)
        duration("webauthn.timeout", maximum: 600, into: &config.webAuthnTimeout)
        duration("enrolment.max_age", maximum: 3600, into: &config.enrolmentMaxAge)
        readRelyingParty(into: &config)
        if let (value, origin) = raw("dpop.nonce") {
            switch value {
            case "required": config.dpopNonceRequired = true
            case "off": config.dpopNonceRequired = false
            default: problems.append("dpop.nonce (\(origin)): expected required or off")
            }
        }
        duration("dpop.proof_window", maximum: 300, into: &config.dpopProofWindow)
        if let (value, origin) = raw("device.remember_lifetime") {
            if value == "none" {
                config.deviceRememberLifetime = nil
            } else if let seconds = try? DurationText.parse(value), seconds > 0, seconds <= 400 * 86_400 {
                config.deviceRememberLifetime = seconds
            } else {
                problems.append("device.remember_lifetime (\(origin)): expected a duration up to 400d, or none")
            }
        }
    }

    /// `webauthn.rp_id` must be the issuer's host or a registrable suffix of it (WebAuthn §5.1.4.1
    /// step 8 would refuse anything else in a browser); `webauthn.origins` are http(s) origins.
    private mutating func readRelyingParty(into config: inout ServerConfiguration) {
        let host = URL(string: config.issuer)?.host?.lowercased() ?? ""
        if let (value, origin) = raw("webauthn.rp_id") {
            let id = value.lowercased()
            if !id.isEmpty, host == id || host.hasSuffix("." + id), !id.contains("/"), !id.contains(":") {
                config.webAuthnRelyingPartyID = id
            } else {
                problems.append("webauthn.rp_id (\(origin)): expected the issuer's host or a domain it is under")
            }
        }
        if let (value, origin) = raw("webauthn.origins") {
            let origins = value.split(separator: " ").map(String.init)
            let valid = origins.allSatisfy { text in
                guard let url = URL(string: text), let scheme = url.scheme, scheme == "https" || scheme == "http",
                    url.host != nil, url.path.isEmpty, url.query == nil, url.fragment == nil
                else { return false }
                return true
            }
            if origins.isEmpty || !valid {
                problems.append(
                    "webauthn.origins (\(origin)): expected space-separated origins like https://id.example"
                )
            } else {
                config.webAuthnOrigins = origins
            }
        }
    }
}
