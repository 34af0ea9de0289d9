import Synchronization

/// Counters exposed in Prometheus text format at `/metrics`.
///
/// Labels are fixed sets (route, status, grant type, outcome): never user input, so the series
/// stay bounded.
final class Metrics: Sendable {
    private let counters = Mutex<[String: Int]>([:])

    /// Adds one to the counter `name` with `labels`.
    func increment(_ name: String, _ labels: [(String, String)] = []) {
        let key = labels.isEmpty ? name : name + "{" + labels.map { "\($0)=\"\($1)\"" }.joined(separator: ",") + "}"
        counters.withLock { $0[key, default: 0] += 1 }
    }

    /// The Prometheus text exposition of every counter, sorted.
    func render() -> String {
        let snapshot = counters.withLock { $0 }
        var lines: [String] = []
        var typed = Set<String>()
        for (key, value) in snapshot.sorted(by: { $0.key < $1.key }) {
            let name = String(key.prefix { $0 != "{" })
            if typed.insert(name).inserted { lines.append("# TYPE \(name) counter") }
            lines.append("\(key) \(value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
