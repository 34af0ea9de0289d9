import Foundation

@testable import StepgateStore

/// Records with every field set to a distinct value, at whole seconds so they round-trip.
enum Sample {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func at(_ offset: TimeInterval) -> Date {
        now.addingTimeInterval(offset)
    }

    static func user(_ id: String = "user-1", name: String = "alice") -> UserRecord {
        UserRecord(
            id: id,
            name: name,
            passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            disabled: false,
            createdAt: at(-3600)
        )
    }

    static func factor(_ id: String = "factor-1", userID: String = "user-1") -> FactorRecord {
        FactorRecord(
            id: id,
            userID: userID,
            kind: "totp",
            sealedSecret: [0x00, 0x01, 0xFE, 0xFF, 0x00],
            lastUsedStep: nil,
            createdAt: at(-1800)
        )
    }

    static func client(_ id: String = "client-1") -> ClientRecord {
        ClientRecord(
            id: id,
            secretHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$c2VjcmV0",
            redirectURIs: ["https://rp.example/cb", "https://rp.example/cb?x=1&y=\"2\"", "http://localhost:8080/ü"],
            createdAt: at(-7200)
        )
    }

    static func sessionHash(_ seed: UInt8 = 1) -> [UInt8] {
        (0..<32).map { UInt8(truncatingIfNeeded: Int($0) &* 7 &+ Int(seed)) }
    }

    static func session(_ seed: UInt8 = 1, userID: String? = nil, events: [SessionEventRecord] = []) -> SessionRecord {
        SessionRecord(
            idHash: sessionHash(seed),
            userID: userID,
            createdAt: at(-600),
            lastSeenAt: at(-60),
            expiresAt: at(3600),
            events: events
        )
    }

    static func flow(_ id: String = "flow-1", sessionSeed: UInt8 = 1) -> FlowRecord {
        FlowRecord(
            id: id,
            sessionIDHash: sessionHash(sessionSeed),
            request: #"{"client_id":"client-1","acr_values":"aal2"}"#,
            userID: nil,
            attempts: 0,
            createdAt: at(-30),
            expiresAt: at(600),
            completedAt: nil
        )
    }

    static func grant(userID: String = "user-1", clientID: String = "client-1") -> GrantRecord {
        GrantRecord(
            clientID: clientID,
            userID: userID,
            scope: "openid profile",
            acr: "aal2",
            amr: ["pwd", "otp"],
            authTime: at(-20)
        )
    }

    static func codeHash(_ seed: UInt8 = 1) -> [UInt8] {
        (0..<32).map { UInt8(truncatingIfNeeded: Int($0) &* 13 &+ Int(seed)) }
    }

    static func code(_ seed: UInt8 = 1) -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(
            codeHash: codeHash(seed),
            grant: grant(),
            redirectURI: "https://rp.example/cb",
            codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            nonce: "n-0S6_WzA2Mj",
            createdAt: at(-10),
            expiresAt: at(50),
            transaction: CodeTransaction(
                action: "transfer",
                hash: "yo8JMpobtaVr6FyYjFrJk_vvgrhts6XXFyrYuz4ncyM",
                authorizationDetails: #"[{"amount":"10.5","type":"transfer"}]"#
            )
        )
    }

    static func tokenHash(_ seed: UInt8 = 1) -> [UInt8] {
        (0..<32).map { UInt8(truncatingIfNeeded: Int($0) &* 17 &+ Int(seed)) }
    }

    static func refreshToken(_ seed: UInt8 = 1, family: String = "family-1") -> RefreshTokenRecord {
        RefreshTokenRecord(
            tokenHash: tokenHash(seed),
            familyID: family,
            grant: grant(),
            createdAt: at(-10),
            expiresAt: at(86_400),
            usedAt: nil,
            revokedAt: nil
        )
    }

    static func signingKey(_ kid: String, createdAt: Date) -> SigningKeyRecord {
        SigningKeyRecord(kid: kid, sealedPrivateKey: Array(kid.utf8) + [0, 1, 2], createdAt: createdAt, retiredAt: nil)
    }

    /// A user, a client and a session, which codes, tokens and flows refer to.
    static func seed(_ store: any Store) throws {
        try store.insertUser(user())
        try store.insertClient(client())
        try store.insertSession(session())
    }
}
