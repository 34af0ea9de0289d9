import Foundation

/// A value bound to one parameter of a statement (`?N` in SQLite, `$N` in PostgreSQL): the only
/// way values reach SQL.
enum SQLValue {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null

    /// Whole seconds since 1970, rounded down (see `StoreCoding.seconds`).
    static func date(_ date: Date) -> SQLValue {
        .integer(StoreCoding.seconds(date))
    }

    /// Whole milliseconds since 1970, rounded down (see `StoreCoding.milliseconds`).
    static func milliseconds(_ date: Date) -> SQLValue {
        .integer(StoreCoding.milliseconds(date))
    }

    static func date(_ date: Date?) -> SQLValue {
        date.map { .date($0) } ?? .null
    }

    static func text(_ text: String?) -> SQLValue {
        text.map { .text($0) } ?? .null
    }

    static func real(_ real: Double?) -> SQLValue {
        real.map { .real($0) } ?? .null
    }

    static func integer(_ integer: Int64?) -> SQLValue {
        integer.map { .integer($0) } ?? .null
    }

    static func bool(_ flag: Bool) -> SQLValue {
        .integer(flag ? 1 : 0)
    }
}
