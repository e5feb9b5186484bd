/// Bounds on requests and on price-book figures. A figure outside them is a typo, not a price.
public enum PricingLimits {
    /// The longest clip anyone may ask a quote for, in seconds.
    public static let durationSecondsMax = 600
    /// The most variants (`n`) one request may ask for.
    public static let variantsMax = 16
    /// The highest per-second or per-clip rate a book may hold: USD 1,000, in micro-USD.
    /// With `durationSecondsMax` and `variantsMax` this keeps every cost far inside Int64.
    public static let rateMicrosMax: Int64 = 1_000_000_000
    /// Books are read by a person; a bigger file is a mistake.
    public static let bookBytesMax = 1_000_000
}
