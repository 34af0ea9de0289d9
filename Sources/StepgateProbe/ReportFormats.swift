/// The formats `--out DIR` writes, each to its `fileName`.
public enum ReportFormats {
    public static var standard: [any ReportWriter] { [JSONReportWriter(), JUnitReportWriter(), HTMLReportWriter()] }
}
