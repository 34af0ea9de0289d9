/// A report that carries load runs: `HTMLReportWriter` draws a load section for each.
///
/// The writer asks the `ProbeReport` it renders whether it conforms, so whoever stores load
/// results in the report adds the conformance in their own file, with no change to the writer.
/// For a report with an optional `load` summary, mapped with `HTMLReportLoadSection`'s
/// initialiser from plain figures:
///
/// ```swift
/// extension ProbeReport: HTMLReportLoadSource {
///     public var htmlLoadSections: [HTMLReportLoadSection] {
///         guard let load else { return [] }
///         return [HTMLReportLoadSection(title: "Load", users: load.users, ...)]
///     }
/// }
/// ```
public protocol HTMLReportLoadSource {
    /// One section per load run, in the order they ran.
    var htmlLoadSections: [HTMLReportLoadSection] { get }
}
