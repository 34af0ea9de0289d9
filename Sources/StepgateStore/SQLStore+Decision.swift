import Foundation

// The decision endpoint's reads, in one read transaction on one pooled connection.
extension SQLStore {
    // MARK: Decision snapshot

    /// Reads with the same statements as the per-call methods, inside one read transaction,
    /// so one borrowed connection and one read snapshot (SQLite's WAL snapshot, PostgreSQL's
    /// repeatable read) serve the whole decision.
    public func decisionSnapshot(_ query: DecisionSnapshotQuery) throws -> DecisionSnapshot {
        try withConnection { connection in
            try connection.readTransaction {
                var snapshot = DecisionSnapshot()
                let subject: String?
                if let idHash = query.sessionIDHash {
                    snapshot.session = try Self.session(idHash: idHash, on: connection)
                    subject = snapshot.session?.userID
                } else {
                    subject = query.userID
                }
                guard let subject else { return snapshot }
                snapshot.user = try Self.user(id: subject, on: connection)
                guard let history = query.history else { return snapshot }

                if let hash = history.deviceIDHash {
                    snapshot.device = try Self.device(userID: subject, deviceIDHash: hash, on: connection)
                }
                snapshot.riskState = try Self.riskState(userID: subject, on: connection)
                snapshot.failureCount = try Self.failureCount(
                    userID: subject,
                    since: history.failuresSince,
                    on: connection
                )
                snapshot.recentActions = try Self.actions(
                    userID: subject,
                    action: nil,
                    since: history.actionsSince,
                    limit: history.actionLimit,
                    on: connection
                )
                if let action = history.amountAction {
                    snapshot.amountHistory = try Self.actions(
                        userID: subject,
                        action: action,
                        since: history.amountsSince,
                        limit: history.amountLimit,
                        on: connection
                    )
                }
                return snapshot
            }
        }
    }
}
