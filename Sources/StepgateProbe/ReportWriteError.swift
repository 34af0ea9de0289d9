/// A report file that could not be written.
public struct ReportWriteError: Error, Sendable, CustomStringConvertible {
    public let path: String

    public var description: String { "\(path): cannot be written" }
}
