import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateStore
import StepgateTestSupport
import Testing

@testable import StepgateServer

extension Harness {
    /// A harness whose SMS and e-mail go to files in its directory, read with `messages()`.
    static func withDelivery(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> Harness {
        try Harness { configuration in
            configuration.delivery.sms = .file(configuration.dataDirectory + "/sms.jsonl")
            configuration.delivery.email = .file(configuration.dataDirectory + "/mail.jsonl")
            configure(&configuration)
        }
    }

    /// Everything delivered so far on `channel`, after the outbox is drained once.
    func messages(_ channel: String = "sms") -> [JSONValue] {
        _ = provider.deliveryWorker.deliverDue(now: clock.now)
        let path = configuration.dataDirectory + "/\(channel == "sms" ? "sms" : "mail").jsonl"
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return data.split(separator: 0x0A).compactMap { try? JSONValue.parse(Array($0)) }
    }

    /// The six-digit code in the last message on `channel`.
    func lastCode(_ channel: String = "sms") -> String? {
        guard let text = messages(channel).last?["text"]?.stringValue else { return nil }
        return text.split(separator: " ").first.map(String.init)
    }

    /// A confirmed SMS (or e-mail) factor for alice, stored as the account page leaves it.
    @discardableResult
    func addContact(_ kind: String = "sms", _ value: String = "+447700900123", label: String = "•••• 0123") throws
        -> String
    {
        let id = "f_" + UUID().uuidString
        try store.insertFactor(
            FactorRecord(
                id: id,
                userID: alice.id,
                kind: kind,
                sealedSecret: try provider.masterKey.seal(Array(value.utf8), purpose: "\(kind):\(id)"),
                lastUsedStep: nil,
                createdAt: clock.now,
                label: label
            )
        )
        return id
    }

    /// Alice's recovery codes, made as the account page makes them.
    func recoveryCodes() throws -> [String] {
        try provider.regenerateRecoveryCodes(userID: alice.id)
    }

    /// Removes alice's TOTP factor, so the flow offers her other ways first.
    func removeTOTP() throws {
        for factor in try store.factors(userID: alice.id) where factor.kind == "totp" {
            _ = try store.deleteFactor(id: factor.id, userID: alice.id)
        }
    }

    /// A WebAuthn credential of `authenticator` stored for alice, as registration leaves it.
    func addCredential(
        _ authenticator: SoftAuthenticator,
        kind: String = "security_key",
        backupEligible: Bool = false,
        signCount: Int64 = 0
    ) throws -> WebAuthnCredentialRecord {
        _ = try provider.userHandle(userID: alice.id)
        let record = WebAuthnCredentialRecord(
            id: "c_" + UUID().uuidString,
            userID: alice.id,
            credentialID: authenticator.credentialID,
            publicKey: authenticator.publicKey.encoded,
            algorithm: authenticator.publicKey.algorithm.rawValue,
            signCount: signCount,
            aaguid: authenticator.aaguid,
            backupEligible: backupEligible,
            backupState: false,
            userVerifying: true,
            transports: ["usb"],
            attestationFormat: "none",
            attestationType: "none",
            kind: kind,
            label: "Test key",
            createdAt: clock.now
        )
        try store.insertWebAuthnCredential(record)
        return record
    }

    /// A ceremony as the browser would run it for `options` (JSON `public_key`) on this issuer.
    func ceremony(
        _ options: JSONValue?,
        flags: AuthenticatorData.Flags = [.userPresent, .userVerified],
        signCount: UInt32 = 1
    )
        -> SoftAuthenticator.Ceremony
    {
        var ceremony = SoftAuthenticator.Ceremony()
        ceremony.challenge = Base64URL.decode(options?["challenge"]?.stringValue ?? "") ?? []
        ceremony.rpID = configuration.relyingPartyID
        ceremony.origin = configuration.issuer
        ceremony.flags = flags
        ceremony.signCount = signCount
        ceremony.userHandle = nil
        return ceremony
    }

    /// The JSON answer of a WebAuthn step for `assertion` of the ceremony `ceremonyID`.
    static func webAuthnAnswer(flow: String, ceremonyID: String, _ assertion: WebAuthnAssertion) -> JSONValue {
        var object: [String: JSONValue] = [
            "flow": .string(flow), "step": "webauthn", "ceremony": .string(ceremonyID),
            "credential_id": .string(Base64URL.encode(assertion.credentialID)),
            "client_data": .string(Base64URL.encode(assertion.clientDataJSON)),
            "authenticator_data": .string(Base64URL.encode(assertion.authenticatorData)),
            "signature": .string(Base64URL.encode(assertion.signature)),
        ]
        if let handle = assertion.userHandle { object["user_handle"] = .string(Base64URL.encode(handle)) }
        return .object(object)
    }

    /// Starts a flow for `request` (`prompt=login`, so a session that proves the level already
    /// still answers again) and answers the password over the JSON API; returns the flow ID and
    /// the state after the password.
    func passwordThenState(_ browser: inout Browser, _ request: ClientRequest = ClientRequest()) -> (String, JSONValue?)
    {
        var request = request
        request.prompt = "login"
        let start = authorize(&browser, request)
        let flow = start.location.map(queryParameters)?["flow"] ?? ""
        let answered = browser.send(
            .post,
            "/api/login",
            json: ["flow": .string(flow), "username": "alice", "password": .string(Self.password)]
        )
        return (flow, answered.jsonBody)
    }
}
