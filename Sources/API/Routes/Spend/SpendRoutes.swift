import Hummingbird
import Money
import Postgres

/// `GET /v1/users/{id}/spend?from=&to=&group_by=day|provider|family`: what a user spent with
/// providers over a range of UTC days, in total and by group, from the exact rollup.
struct SpendRoutes: Sendable {
    let pool: PostgresPool

    struct Amount: Encodable, Sendable {
        let currency: String
        let spent: String
        let jobs: Int64
    }

    struct Group: Encodable, Sendable {
        /// The day (`YYYY-MM-DD`), provider id or family, per `group_by`.
        let key: String
        let currency: String
        let spent: String
        let jobs: Int64
    }

    struct Report: Encodable, Sendable {
        let userId: String
        let from: String
        let to: String
        let groupBy: String
        /// One entry per currency spent in, in currency order; empty when nothing was spent.
        let totals: [Amount]
        /// Only groups with spend (days without settlements are absent).
        let groups: [Group]
    }

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/users/:id/spend") { request, context in
            let userID = try context.parameters.require("id")
            let query = try SpendQuery(userID: userID, query: QueryReader(request))
            return try JSONResponse.make(try await report(query))
        }
    }

    func report(_ query: SpendQuery) async throws -> Report {
        let sql = query.sql
        let parameters = query.parameters
        let userID = query.userID
        let rows = try await pool.withSession { session -> [(key: String, currency: String, micros: Int64, jobs: Int64)]? in
            guard try session.query("SELECT 1 FROM users WHERE id = $1", [userID]).count == 1 else { return nil }
            return try session.query(sql, parameters).map { row -> (key: String, currency: String, micros: Int64, jobs: Int64) in
                (try row.decode(0), try row.decode(1), try row.decode(2), try row.decode(3))
            }
        }
        guard let rows else { throw APIError.notFound("unknown user \(userID)") }
        var totals: [String: (micros: Int64, jobs: Int64)] = [:]
        for row in rows {
            let total = totals[row.currency] ?? (0, 0)
            let (micros, overflow) = total.micros.addingReportingOverflow(row.micros)
            guard !overflow else { throw APIError(.internalServerError, code: "internal", message: "spend total overflows") }
            totals[row.currency] = (micros, total.jobs + row.jobs)
        }
        return Report(
            userId: userID, from: query.from.text, to: query.to.text, groupBy: query.grouping.rawValue,
            totals: totals.keys.sorted().map { currency in
                let total = totals[currency] ?? (0, 0)
                return Amount(currency: currency, spent: DecimalAmount.string(fromMicros: total.micros), jobs: total.jobs)
            },
            groups: rows.map { Group(key: $0.key, currency: $0.currency, spent: DecimalAmount.string(fromMicros: $0.micros), jobs: $0.jobs) })
    }
}
