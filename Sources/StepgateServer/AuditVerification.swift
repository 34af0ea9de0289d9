public import StepgateCore
public import StepgateStore

/// Checks a store's whole audit chain, page by page, and finds the first broken record.
public enum AuditVerification {
    /// How many records were checked and intact, and the first broken record if any.
    public struct Result: Sendable, Equatable {
        /// Records that passed before the break (all of them when `broken` is nil).
        public let intactCount: Int
        public let broken: AuditChainBreak?
    }

    /// Reads every record of `store` in order, `pageSize` at a time, and checks the chain.
    ///
    /// A row that cannot be read is reported as `.unreadable` at its number, after the rows
    /// before it are checked, so the first break named is the first one in the log. Throws only
    /// when the store itself fails.
    public static func verify(_ store: any Store, pageSize: Int = 1000) throws -> Result {
        precondition(pageSize >= 1, "pageSize must be at least 1")
        var verifier = AuditChainVerifier()
        var last: Int64 = 0
        while true {
            let page: [AuditRecord]
            do {
                page = try store.auditRecords(after: last, limit: pageSize)
            } catch let error as StoreError where error.code == .corrupt && error.auditSequence != nil {
                return try verifyUpTo(store, unreadable: error.auditSequence ?? 0, after: last, &verifier)
            }
            guard !page.isEmpty else { return Result(intactCount: verifier.verifiedCount, broken: nil) }
            for record in page {
                if let broken = verifier.check(record) {
                    return Result(intactCount: verifier.verifiedCount, broken: broken)
                }
            }
            last = page[page.count - 1].sequence
        }
    }

    /// Checks the readable rows before the unreadable one, one at a time, then names it.
    private static func verifyUpTo(
        _ store: any Store,
        unreadable: Int64,
        after start: Int64,
        _ verifier: inout AuditChainVerifier
    ) throws -> Result {
        var last = start
        while last < unreadable - 1 {
            guard let record = try? store.auditRecords(after: last, limit: 1).first, record.sequence < unreadable
            else { break }
            if let broken = verifier.check(record) {
                return Result(intactCount: verifier.verifiedCount, broken: broken)
            }
            last = record.sequence
        }
        return Result(
            intactCount: verifier.verifiedCount,
            broken: AuditChainBreak(sequence: unreadable, reason: .unreadable)
        )
    }
}
