import Foundation

// Fixed-window rate-limit counters, shared by every node on the database.
extension SQLStore {
    /// Counts one hit with one `INSERT … ON CONFLICT DO UPDATE … RETURNING` (SQLite 3.35 or
    /// later, PostgreSQL 9.5 or later): the row is created by the first hit of a window and
    /// incremented in place by the others, under the row's lock on either engine.
    public func countRateLimitHit(keyHash: [UInt8], windowStart: Date, windowEnd: Date) throws -> Int {
        try withConnection { connection in
            let hits = try connection.queryFirst(
                """
                INSERT INTO rate_limit_counters (key_hash, window_start, expires_at, hits)
                VALUES (?1, ?2, ?3, 1)
                ON CONFLICT (key_hash, window_start)
                DO UPDATE SET hits = rate_limit_counters.hits + 1
                RETURNING hits
                """,
                [.blob(keyHash), .date(windowStart), .date(windowEnd)]
            ) { try $0.int(0) }
            guard let hits else { throw StoreError(.corrupt, "rate-limit count returned no row") }
            return hits
        }
    }

    /// Drops ended windows through the `expires_at` index.
    @discardableResult
    public func pruneRateLimits(now: Date) throws -> Int {
        try withConnection { connection in
            try connection.run("DELETE FROM rate_limit_counters WHERE expires_at <= ?1", [.date(now)])
        }
    }
}
