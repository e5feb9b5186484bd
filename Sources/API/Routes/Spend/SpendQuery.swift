import Basics
import Postgres
import Pricing

/// The checked parameters of `GET /v1/users/{id}/spend` and the statement that answers them
/// from the `user_spend_daily` rollup (migration 0006), which a trigger on `transfers` keeps
/// exact: the answer is the sum of the user's settled capture + excess transfers to the
/// micro-unit, and costs one index range scan of at most days × providers × families rows.
struct SpendQuery: Sendable {
    enum Grouping: String, Sendable, CaseIterable {
        case day, provider, family

        /// The rollup column a group is keyed by (a fixed word, never caller text).
        var keyExpression: String {
            switch self {
            case .day: return "to_char(day, 'YYYY-MM-DD')"
            case .provider: return "provider"
            case .family: return "family"
            }
        }
    }

    /// Longest range one request may cover: a year, leap day included.
    static let rangeDaysMax: Int64 = 366
    /// Range when `from` is not given: the 30 days ending with `to`.
    static let rangeDaysDefault: Int64 = 30

    let userID: String
    /// First day counted (UTC, inclusive).
    let from: CalendarDay
    /// Last day counted (UTC, inclusive).
    let to: CalendarDay
    let grouping: Grouping

    init(userID: String, query: QueryReader) throws {
        self.userID = userID
        let to = try query.day("to") ?? CalendarDay.today()
        // The default range never reaches before 1970-01-01, the first day the API knows.
        let from =
            try query.day("from") ?? to.adding(days: -Int(Self.rangeDaysDefault - 1)) ?? CalendarDay(daysSinceEpoch: 0)
        guard from <= to else { throw QueryReader.unacceptable("from", "must not be after to") }
        guard Int64(to.daysSinceEpoch) - Int64(from.daysSinceEpoch) + 1 <= Self.rangeDaysMax else {
            throw QueryReader.unacceptable(
                "to", "must be at most \(Self.rangeDaysMax) days after from (both inclusive)")
        }
        self.from = from
        self.to = to
        let grouping = try query.choice("group_by", from: Grouping.allCases.map(\.rawValue)) ?? Grouping.day.rawValue
        self.grouping = Grouping(rawValue: grouping) ?? .day
    }

    /// One row per (group key, currency): key, currency, spent micros, settled jobs; no row at
    /// all for an unknown user, and one row of nulls for a user who spent nothing in the range.
    /// Checking the user in the same statement saves a round trip on every request. Sums of
    /// bigint are numeric in SQL; the cast back to bigint fails loudly rather than round.
    var sql: String {
        """
        SELECT spend.key, spend.currency, spend.spent_micros, spend.jobs_count
        FROM users
        LEFT JOIN LATERAL (
            SELECT \(grouping.keyExpression) AS key, currency,
                   sum(spent_micros)::bigint AS spent_micros, sum(jobs_count)::bigint AS jobs_count
            FROM user_spend_daily
            WHERE user_id = users.id AND day BETWEEN $2::date AND $3::date
            GROUP BY 1, 2
        ) spend ON true
        WHERE users.id = $1
        ORDER BY 1, 2
        """
    }

    var parameters: [(any PostgresEncodable)?] { [userID, from.description, to.description] }
}
