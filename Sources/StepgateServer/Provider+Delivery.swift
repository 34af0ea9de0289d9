import StepgateStore

extension Provider {
    /// `stepgate_outbox_messages{state}` gauges read from the store at scrape time; empty when
    /// the store cannot be read (the counters still render).
    func outboxGauge() -> String {
        guard let counts = try? store.outboxCounts() else { return "" }
        var lines = ["# TYPE stepgate_outbox_messages gauge"]
        for state in OutboxState.allCases {
            lines.append("stepgate_outbox_messages{state=\"\(state.rawValue)\"} \(counts[state])")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
