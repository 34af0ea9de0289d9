import Foundation
import StepgateProbe

/// `stepgate probe`: reads a target description, runs the selected cases, writes the reports.
///
/// Exit status: 0 when no case failed (skipped ones and checklists for a person included),
/// 1 when one did, 2 for a wrong command line or an unusable target file.
enum ProbeCommand {
    static func run(_ raw: [String]) throws {
        let help = Help.probe
        let arguments = try Arguments(
            raw,
            valued: [
                "target", "only", "skip", "json", "junit", "out", "max-wait",
                "html", "baseline", "load",
            ],
            switches: ["list", "no-load", "no-network"],
            help: help
        )
        if arguments.wantsHelp { return Output.print(help) }
        guard arguments.positionals.isEmpty else {
            throw UsageError("probe takes no positional arguments", help: help)
        }
        let selection = CaseSelection(
            only: try arguments.value("only", help: help),
            skip: try arguments.value("skip", help: help)
        )
        let catalogue = CaseCatalogue.all
        let unknown = selection.unmatched(in: catalogue.map(\.info.id))
        guard unknown.isEmpty else {
            throw UsageError(
                "no case matches \(unknown.joined(separator: ", ")) (see --list)",
                help: nil
            )
        }
        var options = RunOptions(selection: selection)
        if let text = try arguments.value("max-wait", help: help) {
            guard let seconds = Double(text), seconds >= 0, seconds <= 600 else {
                throw UsageError("--max-wait: expected seconds from 0 to 600", help: help)
            }
            options.maxWait = seconds
        }
        let targetPath = try arguments.value("target", help: help)
        var target = try targetPath.map(loadTarget)
        try adjust(&target, arguments, help: help)
        if arguments.switches.contains("list") {
            return list(catalogue, selection, target, options)
        }
        guard let target else { throw UsageError("--target FILE is required", help: help) }

        let baseline = try readBaseline(arguments, help: help)
        let outputs = try reportOutputs(arguments, help: help)
        let runner = ProbeRunner(
            target: target,
            cases: catalogue,
            options: options,
            progress: TerminalProgress()
        )
        guard !runner.selected.isEmpty else {
            throw UsageError("the selection leaves no case to run", help: nil)
        }
        var report = try runner.run()
        if let baseline { compare(&report, with: baseline) }
        for (writer, path) in outputs {
            try writer.write(report, to: path)
        }
        if report.hasFailures || report.baseline?.hasRegressions == true {
            var lines: [String] = []
            if let violations = report.load?.violationCount, violations > 0 {
                lines.append("probe: \(violations) security invariants broke under load")
            }
            if report.summary.failed > 0 || lines.isEmpty {
                lines.insert("probe: \(report.summary.failed) of \(report.summary.total) cases failed", at: 0)
            }
            throw ReportedFailure(lines: lines)
        }
    }

    /// Applies `--load`, `--no-load` and `--no-network` to the target file's sections.
    private static func adjust(_ target: inout TargetDescription?, _ arguments: Arguments, help: String) throws {
        let text = try arguments.value("load", help: help)
        if text != nil, arguments.switches.contains("no-load") {
            throw UsageError("--load and --no-load exclude each other", help: help)
        }
        if let text {
            let plan: LoadPlan
            do {
                plan = try LoadPlan(argument: text)
            } catch {
                throw UsageError("--load: " + error.problems.joined(separator: "; "), help: help)
            }
            target?.load = plan
        }
        if arguments.switches.contains("no-load") { target?.load = nil }
        if arguments.switches.contains("no-network") { target?.network = nil }
    }

    /// The target file, or every problem in it (exit status 2).
    private static func loadTarget(_ path: String) throws -> TargetDescription {
        do {
            return try TargetDescription.load(
                path: path,
                environment: ProcessInfo.processInfo.environment
            )
        } catch {
            throw TargetFileProblems(lines: error.problems.map { "\(path): \($0)" })
        }
    }

    /// The report files asked for: `--json`, `--junit`, and every format into `--out DIR`.
    private static func reportOutputs(_ arguments: Arguments, help: String) throws -> [(
        any ReportWriter, String
    )] {
        var outputs: [(any ReportWriter, String)] = []
        if let path = try arguments.value("json", help: help) {
            outputs.append((JSONReportWriter(), path))
        }
        if let path = try arguments.value("junit", help: help) {
            outputs.append((JUnitReportWriter(), path))
        }
        if let path = try arguments.value("html", help: help) {
            outputs.append((HTMLReportWriter(), path))
        }
        if let directory = try arguments.value("out", help: help) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory,
                    withIntermediateDirectories: true
                )
            } catch {
                throw UsageError("--out: \(directory) cannot be created", help: nil)
            }
            for writer in ReportFormats.standard {
                outputs.append(
                    (writer, (directory as NSString).appendingPathComponent(writer.fileName))
                )
            }
        }
        return outputs
    }

    /// The report `--baseline FILE` names, read before any case runs; a file that cannot be
    /// used stops the command with one line (exit status 2) before any report is written.
    private static func readBaseline(_ arguments: Arguments, help: String) throws -> ProbeReport? {
        guard let path = try arguments.value("baseline", help: help) else { return nil }
        do {
            return try BaselineReader.read(path: path)
        } catch {
            throw UsageError(error.description, help: nil)
        }
    }

    /// Puts what changed since `baseline` into `report` and summarises it on standard error.
    private static func compare(_ report: inout ProbeReport, with baseline: ProbeReport) {
        let comparison = BaselineComparison(baseline: baseline, current: report)
        report.baseline = comparison
        for line in comparison.summaryLines { Output.error("probe: \(line)") }
    }

    /// One line per selected case: ID, category, title, and with a target whether it would be skipped.
    private static func list(
        _ cases: [any ProbeCase],
        _ selection: CaseSelection,
        _ target: TargetDescription?,
        _ options: RunOptions
    ) {
        let chosen = cases.filter { selection.includes($0.info.id) }
        let width = chosen.map(\.info.id.count).max() ?? 0
        for probeCase in chosen {
            let info = probeCase.info
            var line =
                info.id.padding(toLength: width + 2, withPad: " ", startingAt: 0) + info.title
            if let target,
                let missing = info.needs.lazy.compactMap({
                    $0.missing(in: target, options: options)
                }).first
            {
                line += "  [skipped: \(missing)]"
            }
            Output.print(line)
        }
    }
}

/// A target file that cannot be used: each line printed, exit status 2.
struct TargetFileProblems: Error {
    let lines: [String]
}
