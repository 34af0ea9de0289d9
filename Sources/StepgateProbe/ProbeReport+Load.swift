/// The load run in the HTML report: one section when the run happened.
extension ProbeReport: HTMLReportLoadSource {
    public var htmlLoadSections: [HTMLReportLoadSection] {
        guard let load, load.status == "ran" else { return [] }
        let figures = load.latencyMS
        return [
            HTMLReportLoadSection(
                title: "Load: complete step-ups for \(load.resource ?? "a resource")"
                    + (load.throughFaultProxy ? " through the fault proxy" : ""),
                users: load.users,
                samples: load.samples,
                successes: load.successes,
                warmUpSamples: load.warmUpSamples,
                seconds: load.seconds,
                throughput: load.throughput,
                latency: .init(
                    min: figures.min,
                    mean: figures.mean,
                    p50: figures.p50,
                    p90: figures.p90,
                    p99: figures.p99,
                    max: figures.max
                ),
                errors: load.errors,
                violationCount: load.violationCount,
                violations: load.violations.map {
                    "user \($0.user), iteration \($0.iteration), at "
                        + HTMLReportMarkup.seconds($0.atSeconds) + ": \($0.note)"
                },
                histogram: load.histogram
            )
        ]
    }

    /// Whether the load run saw a security invariant broken: the run's exit status is 1 then.
    public var loadBrokeInvariants: Bool { (load?.violationCount ?? 0) > 0 }
}
