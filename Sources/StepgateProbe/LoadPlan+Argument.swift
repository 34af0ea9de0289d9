extension LoadPlan {
    /// The plan of the command line's `--load USERS[:DURATION]` (`8`, `8:30s`): `USERS` virtual
    /// users for `DURATION` (default 30 s), no warm-up.
    ///
    /// - Throws: `LoadError` (`.invalidSettings`) naming `load.users` or `load.duration`.
    public init(argument: String) throws(LoadError) {
        let parts = argument.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        var settings = ["users": String(parts[0])]
        if parts.count == 2 { settings["duration"] = String(parts[1]) }
        try self.init(settings: settings)
    }
}
