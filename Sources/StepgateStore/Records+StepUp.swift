public import Foundation

/// A step-up the decision endpoint asked a browser for: bound to the session that was refused,
/// the action, the level and freshness to reach and, for a bound action, the transaction.
public struct ChallengeRecord: Sendable, Hashable {
    public var id: String
    public var sessionIDHash: [UInt8]
    public var action: String
    public var acr: String
    /// Seconds; nil when the action sets no freshness.
    public var maxAge: Int?
    /// Base64url SHA-256 of the transaction (see docs/policies.md); nil for an unbound action.
    public var transactionHash: String?
    /// JSON text shown on the step-up page: the transaction's fields and the reasons.
    public var details: String
    /// Where the browser goes once the step-up succeeded: a path on the protected origin.
    public var returnTo: String
    public var createdAt: Date
    public var expiresAt: Date
    public var completedAt: Date?

    public init(
        id: String,
        sessionIDHash: [UInt8],
        action: String,
        acr: String,
        maxAge: Int?,
        transactionHash: String?,
        details: String,
        returnTo: String,
        createdAt: Date,
        expiresAt: Date,
        completedAt: Date? = nil
    ) {
        self.id = id
        self.sessionIDHash = sessionIDHash
        self.action = action
        self.acr = acr
        self.maxAge = maxAge
        self.transactionHash = transactionHash
        self.details = details
        self.returnTo = returnTo
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.completedAt = completedAt
    }
}

/// Permission for one transaction, earned by a step-up and consumed by the one request that
/// matches it.
public struct TransactionGrantRecord: Sendable, Hashable {
    public var sessionIDHash: [UInt8]
    public var userID: String
    public var action: String
    public var transactionHash: String
    public var createdAt: Date
    public var expiresAt: Date
    public var consumedAt: Date?

    public init(
        sessionIDHash: [UInt8],
        userID: String,
        action: String,
        transactionHash: String,
        createdAt: Date,
        expiresAt: Date,
        consumedAt: Date? = nil
    ) {
        self.sessionIDHash = sessionIDHash
        self.userID = userID
        self.action = action
        self.transactionHash = transactionHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.consumedAt = consumedAt
    }
}
