/// Every bound the report pipeline keeps, in one place. Memory per run is bounded by these, not
/// by the data: a batch of rows, one write buffer per open file, and the HTML page's capped rows.
public enum ReportLimits {
    /// Rows in flight: one. Rows stream in libpq's single-row mode, and TCP back-pressure holds
    /// the server back while the writers work (see `ReportStreamer`).
    /// Bytes buffered per output file before a `write(2)`.
    public static let fileBufferBytes = 64 * 1024
    /// Rows of each section shown in the HTML page; all rows are in the CSV and JSON files.
    public static let htmlRowsMax = 50
    /// Bars in one chart.
    public static let chartBarsMax = 400
    /// `top N` in a chart directive.
    public static let chartTopMax = 100
    /// Section files per report.
    public static let sectionsMax = 32
    /// Bytes of one definition (SQL) file.
    public static let definitionBytesMax = 256 * 1024
    /// Bytes of the HTML template.
    public static let templateBytesMax = 1024 * 1024
    /// Days one `report spend` may cover (a leap year).
    public static let spendRangeDaysMax = 366
    /// Rows streamed between two progress callbacks.
    public static let progressEveryRows = 10_000
    /// Memory each sort or hash of a report query may use before it spills to disk, per
    /// process (the report's connection and each of its parallel workers). At the default
    /// 4 MB the 30-day scorecard tallies spilled to disk.
    public static let queryMemoryMegabytes = 64
}
