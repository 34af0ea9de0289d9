import Foundation

/// A value bound to one `?` parameter of a statement: the only way values reach SQL.
enum SQLiteValue {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case null

    /// Whole seconds since 1970, rounded down (see `StoreCoding.seconds`).
    static func date(_ date: Date) -> SQLiteValue {
        .integer(StoreCoding.seconds(date))
    }

    /// Whole milliseconds since 1970, rounded down (see `StoreCoding.milliseconds`).
    static func milliseconds(_ date: Date) -> SQLiteValue {
        .integer(StoreCoding.milliseconds(date))
    }

    static func date(_ date: Date?) -> SQLiteValue {
        date.map { .date($0) } ?? .null
    }

    static func text(_ text: String?) -> SQLiteValue {
        text.map { .text($0) } ?? .null
    }

    static func real(_ real: Double?) -> SQLiteValue {
        real.map { .real($0) } ?? .null
    }

    static func integer(_ integer: Int64?) -> SQLiteValue {
        integer.map { .integer($0) } ?? .null
    }

    static func bool(_ flag: Bool) -> SQLiteValue {
        .integer(flag ? 1 : 0)
    }
}
