import StepgateCore

/// Reads the flat settings of a target file's `network:` or `load:` section into typed values,
/// collecting every problem instead of stopping at the first.
///
/// Settings arrive as dotted keys and scalar text (`stall.duration_ms` = `"5000"`), whatever the
/// file format, so the target-file reader only flattens its tree. `FaultPlan` and `LoadPlan`
/// share this reader. None of these values is secret, so problems quote the text they got.
struct FaultSettingsReader {
    /// The section the keys sit under, used in problem texts (`network`, `load`).
    let section: String
    private let settings: [String: String]
    private var used: Set<String> = []
    private(set) var problems: [String] = []

    init(section: String, settings: [String: String]) {
        self.section = section
        self.settings = settings
    }

    /// Whether any key equal to `key` or under `key.` is set.
    func hasAny(under key: String) -> Bool {
        settings.keys.contains { $0 == key || $0.hasPrefix(key + ".") }
    }

    /// The text of `key`, marking it as known.
    mutating func text(_ key: String) -> String? {
        used.insert(key)
        return settings[key]?.trimmingWhitespace()
    }

    /// A whole number in `range`, or nil when unset or invalid (then a problem is recorded).
    mutating func integer(_ key: String, range: ClosedRange<Int>) -> Int? {
        guard let value = text(key) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            fail(key, "a whole number from \(range.lowerBound) to \(range.upperBound)", got: value)
            return nil
        }
        return number
    }

    /// A decimal in `range`, or nil when unset or invalid.
    mutating func decimal(_ key: String, range: ClosedRange<Double>) -> Double? {
        guard let value = text(key) else { return nil }
        guard let number = Double(value), number.isFinite, range.contains(number) else {
            fail(key, "a decimal from \(range.lowerBound) to \(range.upperBound)", got: value)
            return nil
        }
        return number
    }

    /// One of `choices`, or nil when unset or invalid.
    mutating func choice(_ key: String, _ choices: [String]) -> String? {
        guard let value = text(key) else { return nil }
        guard choices.contains(value) else {
            fail(key, "one of " + choices.joined(separator: ", "), got: value)
            return nil
        }
        return value
    }

    /// A duration written as `DurationText` (`90s`, `15m`); nil when unset or invalid.
    mutating func duration(_ key: String) -> Duration? {
        guard let value = text(key) else { return nil }
        do {
            return .seconds(try DurationText.parse(value))
        } catch {
            fail(key, "a duration such as 30s, 5m or 1h", got: value)
            return nil
        }
    }

    /// Records a problem with `key` in the form the configuration loader uses.
    mutating func fail(_ key: String, _ expected: String, got value: String? = nil) {
        var problem = "\(section).\(key): expected \(expected)"
        if let value {
            let shown = value.count > 32 ? String(value.prefix(32)) + "…" : value
            problem += ", got \"\(shown)\""
        }
        problems.append(problem)
    }

    /// Records a problem for every setting that no reader call asked for.
    mutating func rejectUnknownKeys() {
        for key in settings.keys.sorted() where !used.contains(key) {
            problems.append("\(section).\(key): unknown key")
        }
    }
}
