import Foundation
import StepgateCore
import StepgateCrypto
import StepgateServer
import StepgateStore

/// `stepgate audit verify` and `stepgate audit tail`: read-only views of the audit log.
enum AuditCommands {
    static func run(_ raw: [String]) throws {
        let help = Help.audit
        // `-n N` is the one short flag, as in tail(1); the shared parser reads only `--name`.
        let arguments = try Arguments(
            raw.map { $0 == "-n" ? "--n" : $0 },
            valued: Commands.common.union(["n"]),
            help: help
        )
        if arguments.wantsHelp { return Output.print(help) }
        switch arguments.positionals {
        case ["verify"]:
            guard arguments.values["n"] == nil else { throw UsageError("-n applies to audit tail only", help: help) }
            try verify(openStore(arguments, help: help))
        case ["tail"]:
            var count = 20
            if let text = try arguments.value("n", help: help) {
                guard let value = Int(text), (1...100_000).contains(value) else {
                    throw UsageError("-n: expected a whole number from 1 to 100000", help: help)
                }
                count = value
            }
            try tail(openStore(arguments, help: help), count: count)
        default:
            throw UsageError("expected: audit verify|tail", help: help)
        }
    }

    /// Exit 0 with `audit: N records, chain intact`, or exit 1 naming the first broken record.
    private static func verify(_ store: any Store) throws {
        let result = try AuditVerification.verify(store)
        guard let broken = result.broken else {
            return Output.print("audit: \(result.intactCount) records, chain intact")
        }
        Output.print("audit: record \(broken.sequence) broken: \(broken)")
        exit(1)
    }

    /// The last `count` records, oldest first, one JSON object per line.
    private static func tail(_ store: any Store, count: Int) throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var lines = ""
        for record in try store.lastAuditRecords(count: count) {
            var object = record.json.objectValue ?? [:]
            object["time"] = .string(formatter.string(from: record.time))
            lines += JSONValue.object(object).serializedString + "\n"
        }
        FileHandle.standardOutput.write(Data(lines.utf8))
    }

    /// The configured database, which must exist: reading the log never creates a SQLite file.
    private static func openStore(_ arguments: Arguments, help: String) throws -> any Store {
        let configuration = try Commands.configuration(arguments, help: help)
        guard configuration.postgres != nil || FileManager.default.fileExists(atPath: configuration.databasePath) else {
            throw AuditCommandError("no database at \(configuration.databasePath)")
        }
        return try Service.openStore(configuration, poolSize: 1)
    }
}

/// A reason the audit command could not run; exits with status 1.
struct AuditCommandError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
