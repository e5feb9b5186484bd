/// Provider timestamps come in unix seconds (OpenAI) or milliseconds (new-api gateways send
/// `created_at: 1764347090922`). Anything above 10^11 is taken as milliseconds: as seconds it
/// would be past the year 5000, as milliseconds 10^11 is March 1973.
public enum UnixTimestamp {
    public static let millisecondsThreshold: Int64 = 100_000_000_000

    /// The timestamp in unix milliseconds; nil for zero or negative (AIMO sends `created: 0`).
    public static func milliseconds(fromSecondsOrMilliseconds value: Int64) -> Int64? {
        guard value > 0 else { return nil }
        if value > millisecondsThreshold { return value }
        let (product, overflow) = value.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : product
    }
}
