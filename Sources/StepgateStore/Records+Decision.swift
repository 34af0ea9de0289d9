public import Foundation

/// What one decision asks the store for: `Store.decisionSnapshot(_:)` reads it all at once.
///
/// The decision's subject is the session's user when `sessionIDHash` is given (none when the
/// session is unknown or not signed in), else `userID`. Everything else is read for the subject.
public struct DecisionSnapshotQuery: Sendable, Hashable {
    /// The session to read, by the hash of its ID; nil when the request carries no session.
    public var sessionIDHash: [UInt8]?
    /// The subject when no session is asked for (a bearer token's `sub`); ignored otherwise.
    public var userID: String?
    /// The subject's risk history to read; nil reads none (a request no policy action matched).
    public var history: History?

    /// The windows of the risk history, as the per-call methods take them.
    public struct History: Sendable, Hashable {
        /// The device cookie's hash, for `device(userID:deviceIDHash:)`; nil reads no device.
        public var deviceIDHash: [UInt8]?
        /// For `failureCount(userID:since:)`.
        public var failuresSince: Date
        /// For `actions(userID:action: nil, since:limit:)`: recent actions of any kind.
        public var actionsSince: Date
        public var actionLimit: Int
        /// The action whose earlier amounts to read, with `actions(userID:action:since:
        /// amountsSince, limit: amountLimit)`; nil reads none.
        public var amountAction: String?
        public var amountsSince: Date
        public var amountLimit: Int

        public init(
            deviceIDHash: [UInt8]?,
            failuresSince: Date,
            actionsSince: Date,
            actionLimit: Int,
            amountAction: String? = nil,
            amountsSince: Date = .distantPast,
            amountLimit: Int = 0
        ) {
            self.deviceIDHash = deviceIDHash
            self.failuresSince = failuresSince
            self.actionsSince = actionsSince
            self.actionLimit = actionLimit
            self.amountAction = amountAction
            self.amountsSince = amountsSince
            self.amountLimit = amountLimit
        }
    }

    public init(sessionIDHash: [UInt8]? = nil, userID: String? = nil, history: History? = nil) {
        self.sessionIDHash = sessionIDHash
        self.userID = userID
        self.history = history
    }
}

/// Everything one decision reads, from one consistent snapshot of the store.
///
/// Each field equals what its per-call method would have returned at that moment: `session`
/// as `session(idHash:)`, `user` as `user(id:)` of the subject (a disabled user too), and so
/// on. Without a subject, or without `history` in the query, the history fields are empty.
public struct DecisionSnapshot: Sendable, Hashable {
    public var session: SessionRecord?
    public var user: UserRecord?
    public var device: DeviceRecord?
    public var riskState: RiskStateRecord?
    public var failureCount: Int
    /// Newest first, at most `History.actionLimit`.
    public var recentActions: [ActionRecord]
    /// Newest first, at most `History.amountLimit`; empty without `History.amountAction`.
    public var amountHistory: [ActionRecord]

    public init(
        session: SessionRecord? = nil,
        user: UserRecord? = nil,
        device: DeviceRecord? = nil,
        riskState: RiskStateRecord? = nil,
        failureCount: Int = 0,
        recentActions: [ActionRecord] = [],
        amountHistory: [ActionRecord] = []
    ) {
        self.session = session
        self.user = user
        self.device = device
        self.riskState = riskState
        self.failureCount = failureCount
        self.recentActions = recentActions
        self.amountHistory = amountHistory
    }
}
