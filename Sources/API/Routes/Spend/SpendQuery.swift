import Basics
import Ledger
import Pricing

/// The checked parameters of `GET /v1/users/{id}/spend`, answered by `UserSpend` (Ledger).
struct SpendQuery: Sendable {
    /// Range when `from` is not given: the 30 days ending with `to`.
    static let rangeDaysDefault: Int64 = 30

    let userID: String
    /// First day counted (UTC, inclusive).
    let from: CalendarDay
    /// Last day counted (UTC, inclusive).
    let to: CalendarDay
    let grouping: UserSpend.Grouping

    init(userID: String, query: QueryReader) throws {
        self.userID = userID
        let to = try query.day("to") ?? CalendarDay.today()
        // The default range never reaches before 1970-01-01, the first day the API knows.
        let from =
            try query.day("from") ?? to.adding(days: -Int(Self.rangeDaysDefault - 1)) ?? CalendarDay(daysSinceEpoch: 0)
        guard from <= to else { throw QueryReader.unacceptable("from", "must not be after to") }
        guard UserSpend.dayCount(from: from, to: to) <= UserSpend.rangeDaysMax else {
            throw QueryReader.unacceptable(
                "to", "must be at most \(UserSpend.rangeDaysMax) days after from (both inclusive)")
        }
        self.from = from
        self.to = to
        let grouping =
            try query.choice("group_by", from: UserSpend.Grouping.allCases.map(\.rawValue))
            ?? UserSpend.Grouping.day.rawValue
        self.grouping = UserSpend.Grouping(rawValue: grouping) ?? .day
    }
}
