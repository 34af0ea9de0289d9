extension FaultPlan {
    /// The plan that a target file's `network:` section describes.
    ///
    /// `settings` holds the section flattened to dotted keys and scalar text, for example
    /// `["latency_ms": "50", "stall.duration_ms": "forever"]`; the keys are listed on `FaultPlan`.
    /// An empty dictionary is the pass-through plan.
    ///
    /// - Throws: `FaultPlanError` (`.invalidSettings`) listing every unknown key, malformed value
    ///   and value out of range, and `reset_direction` set without a reset to direct.
    public init(settings: [String: String]) throws(FaultPlanError) {
        self.init()
        var reader = FaultSettingsReader(section: "network", settings: settings)
        let limit = 600_000

        if let seed = reader.integer("seed", range: 0...Int.max) { self.seed = UInt64(seed) }
        if let latency = reader.integer("latency_ms", range: 0...limit) { self.latency = .milliseconds(latency) }
        if let jitter = reader.integer("jitter_ms", range: 0...limit) { self.jitter = .milliseconds(jitter) }
        if let kilobits = reader.integer("bandwidth_kbps", range: 1...10_000_000) {
            bandwidthBytesPerSecond = kilobits * 1000 / 8
        }
        reset = Self.reset(from: &reader)
        stall = Self.stall(from: &reader)
        switch reader.choice("drop_response_after_server", ["true", "false", "close", "reset"]) {
        case "true", "close": dropResponse = DropResponse(ending: .close)
        case "reset": dropResponse = DropResponse(ending: .reset)
        default: dropResponse = nil
        }

        reader.rejectUnknownKeys()
        guard reader.problems.isEmpty else { throw FaultPlanError(.invalidSettings, problems: reader.problems) }
    }

    private static func reset(from reader: inout FaultSettingsReader) -> Reset? {
        let after = reader.integer("reset_after_bytes", range: 0...Int.max)
        let probability = reader.decimal("reset_probability", range: 0...1)
        let direction = reader.choice("reset_direction", ["request", "response", "both"])
        guard after != nil || (probability ?? 0) > 0 else {
            if direction != nil {
                reader.fail("reset_direction", "reset_after_bytes or a reset_probability above 0 beside it")
            }
            return nil
        }
        let directions: Set<FaultDirection> =
            switch direction {
            case "request": [.request]
            case "response": [.response]
            default: [.request, .response]
            }
        return Reset(directions: directions, afterBytes: after, probability: probability ?? 0)
    }

    private static func stall(from reader: inout FaultSettingsReader) -> Stall? {
        guard reader.hasAny(under: "stall") else { return nil }
        var stall = Stall()
        if let direction = reader.choice("stall.direction", ["request", "response"]) {
            stall.direction = direction == "request" ? .request : .response
        }
        if let after = reader.integer("stall.after_bytes", range: 0...Int.max) { stall.afterBytes = after }
        if let text = reader.text("stall.duration_ms"), text != "forever" {
            if let milliseconds = Int(text), milliseconds >= 1 {
                stall.duration = .milliseconds(milliseconds)
            } else {
                reader.fail("stall.duration_ms", "a whole number of milliseconds from 1, or forever", got: text)
            }
        }
        return stall
    }
}
