import FuzzSupport
import StepgateCore

/// `ConfigFile.parse` on arbitrary text: every line is an entry, a problem, or skipped.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = FuzzInput(data, size).text
    let (file, problems) = ConfigFile.parse(text)
    let keys = file.entries.map(\.key)
    require(Set(keys).count == keys.count, "a key is set twice")
    require(file.entries.map(\.line) == file.entries.map(\.line).sorted(), "entries out of order")
    for entry in file.entries {
        require(!entry.key.isEmpty, "an entry without a key")
        // A line ends at every U+000A, also inside "\r\n" (one `Character`).
        require(!entry.value.unicodeScalars.contains("\n"), "a value that spans lines")
        require(file[entry.key] == entry.value, "lookup by key finds another value")
    }
    let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).count
    require(problems.count + file.entries.count <= lines, "more results than lines")
    return 0
}
