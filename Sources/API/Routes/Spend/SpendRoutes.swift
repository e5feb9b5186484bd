import Hummingbird
import Money
import Postgres

/// `GET /v1/users/{id}/spend?from=&to=&group_by=day|provider|family`: what a user spent with
/// providers over a range of UTC days, in total and by group, from the exact rollup.
struct SpendRoutes: Sendable {
    let reads: DashboardReads

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

    /// Sent as `SpendReportJSON` writes it; `Encodable` is the reference its test compares with.
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
            let userID = try InputRules.userID(context)
            let query = try SpendQuery(userID: userID, query: QueryReader(request))
            let (report, source) = try await reads.run { pool in try await Self.report(query, pool: pool) }
            return DashboardReads.labelled(JSONResponse.make(body: SpendReportJSON.body(report)), source)
        }
    }

    static func report(_ query: SpendQuery, pool: PostgresPool) async throws -> Report {
        let sql = query.sql
        let parameters = query.parameters
        let userID = query.userID
        let answer = try await pool.withSession {
            session -> (userKnown: Bool, rows: [(key: String, currency: String, micros: Int64, jobs: Int64)]) in
            let result = try session.queryPrepared(sql, parameters)
            var rows: [(key: String, currency: String, micros: Int64, jobs: Int64)] = []
            rows.reserveCapacity(result.count)
            for row in result {
                guard let key = try row.decodeIfPresent(0, as: String.self) else { continue }
                rows.append((key, try row.decode(1), try row.decode(2), try row.decode(3)))
            }
            return (result.count > 0, rows)
        }
        guard answer.userKnown else { throw APIError.notFound("unknown user \(userID)") }
        let rows = answer.rows
        var totals: [String: (micros: Int64, jobs: Int64)] = [:]
        for row in rows {
            let total = totals[row.currency] ?? (0, 0)
            let (micros, overflow) = total.micros.addingReportingOverflow(row.micros)
            guard !overflow else {
                throw APIError(.internalServerError, code: "internal", message: "spend total overflows")
            }
            totals[row.currency] = (micros, total.jobs + row.jobs)
        }
        return Report(
            userId: userID, from: query.from.description, to: query.to.description, groupBy: query.grouping.rawValue,
            totals: totals.keys.sorted().map { currency in
                let total = totals[currency] ?? (0, 0)
                return Amount(
                    currency: currency, spent: DecimalAmount.string(fromMicros: total.micros), jobs: total.jobs)
            },
            groups: rows.map {
                Group(
                    key: $0.key, currency: $0.currency, spent: DecimalAmount.string(fromMicros: $0.micros),
                    jobs: $0.jobs)
            })
    }
}
