import Foundation
import Hummingbird
import Testing

@testable import API

@Suite struct SpendReportJSONTests {
    private func text(_ buffer: ByteBuffer) -> String { String(buffer: buffer) }

    /// The hand-written body is byte for byte the encoder's, for empty and full reports and
    /// for user ids and keys that need escaping.
    @Test(arguments: [0, 1, 366])
    func matchesTheEncoderByteForByte(groupCount: Int) throws {
        var groups: [SpendRoutes.Group] = []
        for index in 0..<groupCount {
            let key = index == 0 ? "fam \"x\" \\ y" : "2026-01-\(index % 28 + 1)"
            let currency = index % 2 == 0 ? "USD" : "XNO"
            groups.append(
                SpendRoutes.Group(key: key, currency: currency, spent: "\(index).000001", jobs: Int64(index * 3)))
        }
        let totals =
            groupCount == 0
            ? []
            : [
                SpendRoutes.Amount(currency: "USD", spent: "12.5", jobs: 9),
                SpendRoutes.Amount(currency: "XNO", spent: "0.000001", jobs: 1),
            ]
        let report = SpendRoutes.Report(
            userId: "user/é\"1", from: "2025-12-05", to: "2026-12-04", groupBy: "day", totals: totals, groups: groups)
        let expected = try JSONResponse.body(report)
        #expect(text(SpendReportJSON.body(report)) == text(expected))
        #expect(try JSONSerialization.jsonObject(with: Data(text(SpendReportJSON.body(report)).utf8)) is [String: Any])
    }
}
