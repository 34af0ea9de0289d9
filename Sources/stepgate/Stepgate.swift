import Foundation
import StepgateCore
import StepgateCrypto
import StepgateHTTP
import StepgateServer
import StepgateStore

/// `stepgate`: argument parsing, subcommands and exit codes; the work is in StepgateServer.
///
/// Exit codes: 0 done, 1 the action failed, 2 the command line was wrong.
@main
struct Stepgate {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            try run(arguments)
            exit(0)
        } catch let error as UsageError {
            Output.error("stepgate: \(error.message)")
            if let help = error.help { Output.error(help) }
            exit(2)
        } catch let problems as TargetFileProblems {
            for line in problems.lines { Output.error("stepgate: \(line)") }
            exit(2)
        } catch let failure as ReportedFailure {
            for line in failure.lines { Output.error("stepgate: \(line)") }
            exit(1)
        } catch let error as ConfigurationError {
            Output.error("stepgate: \(error)")
            exit(2)
        } catch {
            Output.error("stepgate: \(error)")
            exit(1)
        }
    }

    static func run(_ arguments: [String]) throws {
        guard let command = arguments.first else { throw UsageError("no command given", help: Help.main) }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "serve": try Commands.serve(rest)
        case "user": try Commands.user(rest)
        case "factor": try Commands.factor(rest)
        case "client": try Commands.client(rest)
        case "keys": try Commands.keys(rest)
        case "migrate": try Commands.migrate(rest)
        case "audit": try AuditCommands.run(rest)
        case "policy": try Commands.policy(rest)
        case "notify": try NotifyCommands.run(rest)
        case "probe": try ProbeCommand.run(rest)
        case "help", "--help", "-h": Output.print(Help.main)
        case "version", "--version": Output.print("stepgate \(Help.version)")
        default: throw UsageError("unknown command '\(command)'", help: Help.main)
        }
    }
}

/// A command line that cannot be run as written; exits with status 2.
struct UsageError: Error {
    let message: String
    let help: String?

    init(_ message: String, help: String? = nil) {
        self.message = message
        self.help = help
    }
}

/// Writes to file descriptors 1 and 2 directly (the `stdout` globals trip strict concurrency).
enum Output {
    static func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
