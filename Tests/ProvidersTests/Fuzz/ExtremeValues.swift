/// JSON value texts that break careless parsers: Int64 and Double edges, exponents whose
/// magnitude is `Int.min`, negatives where only positives make sense, numbers as strings, wrong
/// types. Each is a complete JSON value, so swapping one in keeps the body's structure.
enum ExtremeValues {
    static let texts: [String] = [
        "1e308", "-1e308", "1e-308", "-1", "-0", "0", "-0.000001", "0.0000001", "0.5", "42.5", "99.999999999",
        "100", "101", "3600", "3601", "86400", "86401", "86400001", "604800001",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551616",
        "92233720368547758", "123456789012345678901234567890123456789012345678901234567890",
        "1e-9223372036854775808", "1e9223372036854775807", "1e99999999999999999999", "1E+64", "1e18", "1e12", "1e15",
        "-1e15",
        #""NaN""#, #""-NaN""#, #""Infinity""#, #""-Infinity""#, #""-1""#, #""1e308""#, #""9223372036854775808""#,
        #""1e-9223372036854775808""#, #""""#, #"" 5""#, #""+5""#, #""0x10""#, #""١٢""#, #""5s""#,
        "null", "true", "false", "[]", "{}", "[1,2,3]", #"{"a":-1}"#, #""unknown""#, #""COMPLETED""#, #""failed""#,
        #""XNO""#, #""USD""#, #""USDC""#, #""BTC""#, #""/api/generate-video/content?x=1""#,
        #""https://evil.example/x""#,
        #""\ud800""#, #""\u0000""#,
    ]
}
