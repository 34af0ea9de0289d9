import Foundation

/// The report as JSON (`report.json`): pretty-printed, keys sorted, dates ISO 8601; the shape
/// of `ProbeReport`, which can decode it again (for `--baseline`).
public struct JSONReportWriter: ReportWriter {
    public init() {}

    public var fileName: String { "report.json" }

    public func render(_ report: ProbeReport) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Array(try encoder.encode(report)) + [0x0A]
    }

    /// A report read back from `render`'s output.
    public static func decode(_ bytes: [UInt8]) throws -> ProbeReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(ProbeReport.self, from: Data(bytes))
    }
}
