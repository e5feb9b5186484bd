import Basics
import Postgres

/// What a user spent with providers over a range of UTC days, in total and by day, provider or
/// family: the read model behind the dashboards' spend view. It reads the `user_spend_daily`
/// rollup, which a trigger on every capture and excess transfer keeps exact, so an answer is the
/// sum of the user's settled charges to the micro-unit and costs one index range scan of at most
/// days × providers × families rows, however long the journal.
public struct UserSpend: Sendable {
    public enum Grouping: String, Sendable, CaseIterable {
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

    /// One group's spend in one currency.
    public struct Group: Sendable, Equatable {
        /// The day (`YYYY-MM-DD`), provider id or family.
        public let key: String
        public let currency: String
        public let spentMicros: Int64
        public let jobs: Int64
    }

    /// One currency's spend over the whole range.
    public struct Total: Sendable, Equatable {
        public let currency: String
        public let spentMicros: Int64
        public let jobs: Int64
    }

    /// A currency's total does not fit 64 bits: a figure no user can have spent, so a fault.
    public struct TotalOverflow: Error, CustomStringConvertible {
        public let currency: String
        public var description: String { "the spend total in \(currency) overflows 64 bits" }
    }

    /// Longest range one read may cover: a year, leap day included.
    public static let rangeDaysMax: Int64 = 366

    /// Days from `from` to `to`, both counted: what `rangeDaysMax` limits.
    public static func dayCount(from: CalendarDay, to: CalendarDay) -> Int64 {
        Int64(to.daysSinceEpoch) - Int64(from.daysSinceEpoch) + 1
    }

    /// Groups with spend, in key then currency order (days without settlements are absent).
    public let groups: [Group]
    /// One per currency spent in, in currency order; empty when nothing was spent.
    public let totals: [Total]

    /// The user's spend from `from` to `to` (UTC days, both inclusive, at most `rangeDaysMax`
    /// days). Throws `LedgerError.unknownUser` for a user that does not exist.
    public static func read(
        _ pool: PostgresPool, userID: String, from: CalendarDay, to: CalendarDay, grouping: Grouping
    ) async throws -> UserSpend {
        precondition(from <= to, "spend range ends before it starts")
        precondition(dayCount(from: from, to: to) <= rangeDaysMax, "spend range over the limit")
        let sql = statement(grouping)
        let parameters: [(any PostgresEncodable)?] = [userID, from.description, to.description]
        let answer = try await pool.withSession { session -> (userKnown: Bool, groups: [Group]) in
            let result = try session.queryPrepared(sql, parameters)
            var groups: [Group] = []
            groups.reserveCapacity(result.count)
            for row in result {
                guard let key = try row.decodeIfPresent(0, as: String.self) else { continue }
                groups.append(
                    Group(
                        key: key, currency: try row.decode(1), spentMicros: try row.decode(2), jobs: try row.decode(3)))
            }
            return (result.count > 0, groups)
        }
        guard answer.userKnown else { throw LedgerError.unknownUser("unknown user \(userID)") }
        return UserSpend(groups: answer.groups, totals: try totals(of: answer.groups))
    }

    /// One row per (group key, currency): key, currency, spent micros, settled jobs; no row at
    /// all for an unknown user, and one row of nulls for a user who spent nothing in the range.
    /// Checking the user in the same statement saves a round trip on every read. Sums of bigint
    /// are numeric in SQL; the cast back to bigint fails loudly rather than round. Public for the
    /// benchmark that runs it bare under pgbench: $1 user id, $2 and $3 the first and last day.
    /// The user is compared in byte order, the collation of the rollup's index (migration 0019),
    /// so the rows come from that index alone; equality means the same in every collation here.
    public static func statement(_ grouping: Grouping) -> String {
        """
        SELECT spend.key, spend.currency, spend.spent_micros, spend.jobs_count
        FROM users
        LEFT JOIN LATERAL (
            SELECT \(grouping.keyExpression) AS key, currency,
                   sum(spent_micros)::bigint AS spent_micros, sum(jobs_count)::bigint AS jobs_count
            FROM user_spend_daily
            WHERE user_id COLLATE "C" = users.id AND day BETWEEN $2::date AND $3::date
            GROUP BY 1, 2
        ) spend ON true
        WHERE users.id = $1
        ORDER BY 1, 2
        """
    }

    private static func totals(of groups: [Group]) throws -> [Total] {
        var byCurrency: [String: (micros: Int64, jobs: Int64)] = [:]
        for group in groups {
            let total = byCurrency[group.currency] ?? (0, 0)
            let (micros, overflow) = total.micros.addingReportingOverflow(group.spentMicros)
            guard !overflow else { throw TotalOverflow(currency: group.currency) }
            byCurrency[group.currency] = (micros, total.jobs + group.jobs)
        }
        return byCurrency.keys.sorted().map { currency in
            let total = byCurrency[currency] ?? (0, 0)
            return Total(currency: currency, spentMicros: total.micros, jobs: total.jobs)
        }
    }
}
