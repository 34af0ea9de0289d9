import Foundation

/// Which cases run: `--only` and `--skip`, each a comma-separated list of IDs and patterns
/// (`code.replay`, `pkce.*`, `*`). `--skip` wins over `--only`.
public struct CaseSelection: Sendable, Equatable {
    public var only: [String]
    public var skip: [String]

    /// Everything.
    public init() {
        only = []
        skip = []
    }

    /// The selection the command-line values describe; nil values select everything.
    public init(only: String?, skip: String?) {
        self.only = Self.patterns(only)
        self.skip = Self.patterns(skip)
    }

    /// Whether the case `id` runs.
    public func includes(_ id: String) -> Bool {
        let wanted = only.isEmpty || only.contains { Self.matches($0, id) }
        return wanted && !skip.contains { Self.matches($0, id) }
    }

    /// Every pattern that selects none of `ids`: a typo the command line should name.
    public func unmatched(in ids: [String]) -> [String] {
        (only + skip).filter { pattern in !ids.contains { Self.matches(pattern, $0) } }
    }

    /// `*` matches all; `prefix.*` every ID under `prefix.`; anything else one ID exactly.
    public static func matches(_ pattern: String, _ id: String) -> Bool {
        if pattern == "*" { return true }
        if pattern.hasSuffix(".*") { return id.hasPrefix(String(pattern.dropLast())) }
        return pattern == id
    }

    private static func patterns(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter {
                !$0.isEmpty
            }
    }
}
