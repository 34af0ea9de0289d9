public import Foundation

/// A password change as the store applies it: all of it in one transaction, or none.
public struct PasswordChange: Sendable, Hashable {
    /// The session a change is made in: it stays signed in, under a new ID.
    public struct KeptSession: Sendable, Hashable {
        /// The session's ID hash now; the change is refused unless it belongs to the user.
        public var idHash: [UInt8]
        /// The ID hash it moves to (as `Store.rotateSession` does); the old one stops working.
        public var newIDHash: [UInt8]

        public init(idHash: [UInt8], newIDHash: [UInt8]) {
            self.idHash = idHash
            self.newIDHash = newIDHash
        }
    }

    public var userID: String
    /// The PHC string the change replaces: applied only while it is still the stored one, so of
    /// two changes racing from the same password, one wins.
    public var expectedHash: String
    /// The new PHC string.
    public var newHash: String
    /// The session to keep; nil ends every session of the user (an administrator's change).
    public var keptSession: KeptSession?
    /// When the refresh tokens are revoked and the kept session was last seen.
    public var at: Date

    public init(userID: String, expectedHash: String, newHash: String, keptSession: KeptSession?, at: Date) {
        self.userID = userID
        self.expectedHash = expectedHash
        self.newHash = newHash
        self.keptSession = keptSession
        self.at = at
    }
}

/// What an applied password change ended.
public struct PasswordChangeResult: Sendable, Hashable {
    /// The user's other sessions, now deleted with their events, flows and challenges.
    public var sessionsEnded: Int
    /// The user's refresh tokens that were not yet revoked, of every client and family.
    public var refreshTokensRevoked: Int

    public init(sessionsEnded: Int, refreshTokensRevoked: Int) {
        self.sessionsEnded = sessionsEnded
        self.refreshTokensRevoked = refreshTokensRevoked
    }
}
