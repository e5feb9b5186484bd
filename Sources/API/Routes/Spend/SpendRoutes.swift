import Hummingbird
import Ledger
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
        let spend = try await UserSpend.read(
            pool, userID: query.userID, from: query.from, to: query.to, grouping: query.grouping)
        return Report(
            userId: query.userID, from: query.from.description, to: query.to.description,
            groupBy: query.grouping.rawValue,
            totals: spend.totals.map {
                Amount(currency: $0.currency, spent: DecimalAmount.string(fromMicros: $0.spentMicros), jobs: $0.jobs)
            },
            groups: spend.groups.map {
                Group(
                    key: $0.key, currency: $0.currency, spent: DecimalAmount.string(fromMicros: $0.spentMicros),
                    jobs: $0.jobs)
            })
    }
}
