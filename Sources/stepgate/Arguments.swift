/// Parsed flags and positional arguments of one subcommand.
///
/// Flags are `--name value` or `--name=value`; switches take no value. Unknown flags, missing
/// values and extra positionals are usage errors naming the flag.
struct Arguments {
    var positionals: [String] = []
    var values: [String: [String]] = [:]
    var switches: Set<String> = []
    var wantsHelp = false

    init(_ arguments: [String], valued: Set<String>, switches allowed: Set<String> = [], help: String) throws {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--help" || argument == "-h" {
                wantsHelp = true
                continue
            }
            guard argument.hasPrefix("--") else {
                positionals.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inline: String?
            if let equals = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if allowed.contains(name) {
                guard inline == nil else { throw UsageError("--\(name) takes no value", help: help) }
                switches.insert(name)
            } else if valued.contains(name) {
                let value: String
                if let inline {
                    value = inline
                } else {
                    guard index < arguments.count else { throw UsageError("--\(name) needs a value", help: help) }
                    value = arguments[index]
                    index += 1
                }
                values[name, default: []].append(value)
            } else {
                throw UsageError("unknown option --\(name)", help: help)
            }
        }
    }

    /// The single value of `--name`; a usage error if it was given twice.
    func value(_ name: String, help: String) throws -> String? {
        guard let given = values[name] else { return nil }
        guard given.count == 1 else { throw UsageError("--\(name) given more than once", help: help) }
        return given[0]
    }
}
