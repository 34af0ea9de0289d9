import Synchronization

/// Counters exposed in Prometheus text format at `/metrics`.
///
/// Labels are fixed sets (route, status, grant type, outcome): never user input, so the series
/// stay bounded. The per-request counter is keyed by two integers, so the hot path hashes no
/// strings and holds the lock for a few nanoseconds.
final class Metrics: Sendable {
    private struct RequestKey: Hashable {
        let route: Int
        let status: Int
    }

    private let routes: [String]
    private let requests = Mutex<[RequestKey: Int]>([:])
    private let counters = Mutex<[String: Int]>([:])

    /// Metrics for a server whose routes are `routes`; others count as `unmatched`.
    init(routes: [String] = []) {
        self.routes = routes.sorted() + ["unmatched"]
    }

    /// The index of `path` among the known routes, or of `unmatched`.
    func routeIndex(_ path: String) -> Int {
        routes.firstIndex(of: path) ?? routes.count - 1
    }

    /// Counts one request answered on route `index` with `status`.
    func countRequest(route index: Int, status: Int) {
        requests.withLock { $0[RequestKey(route: index, status: status), default: 0] += 1 }
    }

    /// Adds one to the counter `name` with `labels`.
    func increment(_ name: String, _ labels: [(String, String)] = []) {
        add(name, labels, 1)
    }

    /// Adds `amount` to the counter `name` with `labels`.
    func add(_ name: String, _ labels: [(String, String)], _ amount: Int) {
        let key = labels.isEmpty ? name : name + "{" + labels.map { "\($0)=\"\($1)\"" }.joined(separator: ",") + "}"
        counters.withLock { $0[key, default: 0] += amount }
    }

    /// The value of the counter `name` with `labels`; 0 when never counted. For tests.
    func value(_ name: String, _ labels: [(String, String)] = []) -> Int {
        let key = labels.isEmpty ? name : name + "{" + labels.map { "\($0)=\"\($1)\"" }.joined(separator: ",") + "}"
        return counters.withLock { $0[key] ?? 0 }
    }

    /// The Prometheus text exposition of every counter, sorted.
    func render() -> String {
        var all = counters.withLock { $0 }
        for (key, value) in requests.withLock({ $0 }) {
            all["stepgate_http_requests_total{route=\"\(routes[key.route])\",status=\"\(key.status)\"}"] = value
        }
        var lines: [String] = []
        var typed = Set<String>()
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            let name = String(key.prefix { $0 != "{" })
            if typed.insert(name).inserted { lines.append("# TYPE \(name) counter") }
            lines.append("\(key) \(value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
