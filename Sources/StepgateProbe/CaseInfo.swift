/// What a case is, for the catalogue, `--list` and the reports.
public struct CaseInfo: Sendable, Codable, Equatable {
    /// A stable dotted ID (`code.replay`); `--only` and `--skip` select by it.
    public var id: String
    public var title: String
    /// The group the case belongs to (`code`, `pkce`, `session`, `stepup`, ...).
    public var category: String
    /// What the case sends.
    public var sends: String
    /// What must happen for it to pass.
    public var expects: String
    /// Why it matters: the spec clause or the class of real bug.
    public var rationale: String
    /// What the target description must give; otherwise the case is skipped.
    public var needs: [Capability]

    public init(
        id: String,
        title: String,
        category: String,
        sends: String,
        expects: String,
        rationale: String,
        needs: [Capability] = []
    ) {
        self.id = id
        self.title = title
        self.category = category
        self.sends = sends
        self.expects = expects
        self.rationale = rationale
        self.needs = needs
    }
}
