/// Every bound the report pipeline keeps, in one place. Memory per run is bounded by these, not
/// by the data: a batch of rows, one write buffer per open file, and the HTML page's capped rows.
public enum ReportLimits {
    /// Rows fetched from the server-side cursor per round trip. At ~200 bytes a row this is about
    /// 2 MB held at a time; larger batches save round trips but not time once the server is busy.
    public static let batchRows = 10_000
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
    public static let progressEveryRows = batchRows
}
