import Foundation
// Public: the runner takes a `Clock` and a `RandomSource`, injected for tests.
public import StepgateCore
public import StepgateCrypto

/// Runs the selected cases against a target, one after another, and makes the report.
public struct ProbeRunner: Sendable {
    /// The probe's version, in reports and its `User-Agent`.
    public static let version = "0.1.0"

    public let target: TargetDescription
    /// The cases in the order they run (`CaseCatalogue.all` for the catalogue).
    public let cases: [any ProbeCase]
    public let options: RunOptions
    public let progress: any ProgressReporter
    public let clock: any Clock
    public let sleeper: any Sleeper
    public let random: any RandomSource

    public init(
        target: TargetDescription,
        cases: [any ProbeCase],
        options: RunOptions,
        progress: any ProgressReporter = SilentProgress(),
        clock: any Clock = SystemClock(),
        sleeper: any Sleeper = SystemSleeper(),
        random: any RandomSource = SystemRandom()
    ) {
        self.target = target
        self.cases = cases
        self.options = options
        self.progress = progress
        self.clock = clock
        self.sleeper = sleeper
        self.random = random
    }

    /// The cases `options.selection` picks, in catalogue order.
    public var selected: [any ProbeCase] {
        cases.filter { options.selection.includes($0.info.id) }
    }

    /// Runs every selected case, then the load run when the target asks for one, and returns
    /// the report. With a `network:` section every exchange goes through the run's fault proxies.
    ///
    /// - Throws: `ProbeError` only when the run cannot start (no software authenticator could
    ///   be made); each case's own failures are in the report.
    public func run() throws(ProbeError) -> ProbeReport {
        let redactor = Redactor(secrets: target.secrets, random: random)
        let environment = try ProbeEnvironment(
            target: target,
            options: options,
            redactor: redactor,
            clock: clock,
            sleeper: sleeper,
            random: random
        )
        defer { environment.network?.stop() }
        let started = clock.now
        let chosen = selected
        var results: [CaseResult] = []
        for (index, probeCase) in chosen.enumerated() {
            progress.caseStarted(probeCase.info, index: index, total: chosen.count)
            let result = run(probeCase, environment)
            results.append(result)
            progress.caseFinished(result, index: index, total: chosen.count)
        }
        var load: LoadReport?
        if let plan = target.load {
            progress.loadStarted(plan)
            load = LoadRun(environment: environment, plan: plan).run()
        }
        var report = ProbeReport(
            tool: "stepgate probe \(Self.version)",
            issuer: target.issuer,
            clientID: target.client.id,
            startedAt: started,
            seconds: clock.now.timeIntervalSince(started),
            results: results
        )
        report.load = load
        progress.runFinished(report)
        return report
    }

    private func run(_ probeCase: any ProbeCase, _ environment: ProbeEnvironment) -> CaseResult {
        let info = probeCase.info
        let started = clock.now
        let evidence = EvidenceLog()
        let verdict: Verdict
        if let missing = info.needs.lazy.compactMap({ $0.missing(in: target, options: options) })
            .first
        {
            verdict = .skipped(missing)
        } else {
            let context = CaseContext(info: info, evidence: evidence, environment: environment)
            let faultsBefore = Self.faults(environment)
            do {
                verdict = try probeCase.run(context)
            } catch let failure as CaseFailed {
                verdict = .failed(failure.reason)
            } catch let skip as CaseSkipped {
                verdict = .skipped(skip.reason)
            } catch let error as ProbeError where error.code == .transport && Self.faults(environment) > faultsBefore {
                verdict = .skipped(
                    "the network section's faults ended the case before it could check anything "
                        + "(\(error.description)); the flow failed closed"
                )
            } catch let error as ProbeError {
                verdict = .failed(error.description)
            } catch {
                verdict = .failed("stopped by \(type(of: error))")
            }
        }
        return CaseResult(
            info: info,
            verdict: Self.redacted(verdict, environment.redactor),
            startedAt: started,
            seconds: clock.now.timeIntervalSince(started),
            evidence: evidence.exchanges,
            notes: evidence.notes
        )
    }

    /// Resets, stalls and dropped responses the run's fault proxies made so far; 0 without them.
    /// A case that lost its connection to one of these failed closed, which is not a finding;
    /// one that lost it otherwise (the target down, say) failed.
    private static func faults(_ environment: ProbeEnvironment) -> Int {
        guard let counters = environment.network?.counters else { return 0 }
        return counters.resets + counters.stalls + counters.droppedResponses
    }

    /// Reasons and checklists pass through the redactor too: a case must not put a secret
    /// there, and if one ever does, it is removed.
    private static func redacted(_ verdict: Verdict, _ redactor: Redactor) -> Verdict {
        switch verdict {
        case .passed: .passed
        case .failed(let reason): .failed(redactor.text(reason))
        case .skipped(let reason): .skipped(redactor.text(reason))
        case .human(let items): .human(items.map(redactor.text))
        }
    }
}
