import Foundation

/// Turns a `ProbeReport` into one file format: JSON, JUnit XML and HTML so far. Add a format as
/// a new type conforming to this and list it in `ReportFormats.standard`.
public protocol ReportWriter: Sendable {
    /// The file name `--out DIR` writes this format to (`report.json`).
    var fileName: String { get }
    /// The file's bytes.
    func render(_ report: ProbeReport) throws -> [UInt8]
}

extension ReportWriter {
    /// Writes the rendered report to `path`, replacing it atomically.
    ///
    /// - Throws: `ReportWriteError` naming the path when it cannot be written.
    public func write(_ report: ProbeReport, to path: String) throws {
        let bytes = try render(report)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ReportWriteError(path: path)
        }
    }
}
