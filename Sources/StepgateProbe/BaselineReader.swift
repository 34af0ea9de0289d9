import Foundation

/// Reads an earlier run's JSON report for `--baseline FILE`.
public enum BaselineReader {
    /// The largest baseline read (64 MiB); a report of the whole catalogue with full evidence
    /// is a few MiB.
    public static let maxBytes = 64 << 20

    /// The report in the file at `path`.
    ///
    /// - Throws: `BaselineError` when the file cannot be read, is too large, is not a probe's
    ///   JSON report (`JSONReportWriter`'s shape), or was written by another tool.
    public static func read(path: String) throws(BaselineError) -> ProbeReport {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw BaselineError(.unreadable, path: path, "cannot be read")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxBytes + 1) ?? Data()
        } catch {
            throw BaselineError(.unreadable, path: path, "cannot be read")
        }
        guard data.count <= maxBytes else {
            throw BaselineError(.tooLarge, path: path, "is larger than \(maxBytes >> 20) MiB")
        }
        return try decode(Array(data), path: path)
    }

    /// The report in `bytes`; `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws(BaselineError) -> ProbeReport {
        let report: ProbeReport
        do {
            report = try JSONReportWriter.decode(bytes)
        } catch let error as DecodingError {
            throw BaselineError(.notAReport, path: path, "is not a stepgate probe JSON report (\(problem(error)))")
        } catch {
            throw BaselineError(.notAReport, path: path, "is not a stepgate probe JSON report")
        }
        guard report.tool.hasPrefix("stepgate probe") else {
            throw BaselineError(.incompatible, path: path, "was not written by stepgate probe")
        }
        return report
    }

    /// Where the JSON went wrong, by key path; never a value from the file.
    private static func problem(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "\(path(context.codingPath)) is malformed"
        @unknown default:
            return "malformed"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        guard !keys.isEmpty else { return "the top level" }
        return keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            .trimmingPrefix(".").description
    }
}
