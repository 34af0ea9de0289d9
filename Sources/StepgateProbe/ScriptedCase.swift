/// A case written as a closure, the usual way to add one:
///
/// ```swift
/// static let replay = ScriptedCase(CaseInfo(id: "code.replay", ...)) { context in
///     ...
///     try context.require(second.status == 400, "the replayed code was redeemed again")
///     return .passed
/// }
/// ```
public struct ScriptedCase: ProbeCase {
    public let info: CaseInfo
    private let body: @Sendable (CaseContext) throws -> Verdict

    public init(_ info: CaseInfo, _ body: @escaping @Sendable (CaseContext) throws -> Verdict) {
        self.info = info
        self.body = body
    }

    public func run(_ context: CaseContext) throws -> Verdict {
        try body(context)
    }
}
