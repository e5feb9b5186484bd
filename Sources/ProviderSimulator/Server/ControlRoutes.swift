import Basics

/// The control endpoint each simulated provider serves beside its API:
///
/// - `POST /_sim/scenario` with `key=value` pairs (text body): default scenario keys for every
///   later job, fault rates, and `balance_<currency>=<amount>`. Answers `{applied, ignored}`.
/// - `GET /_sim/state`: job count, balances and the spent counter, amounts as decimal strings.
/// - `GET /_sim/charges`: every kept job with what the provider keeps for it now (`kept`, the
///   precharge while it runs, then the final cost or zero when refunded), its outcome once
///   settled, and the caller's reference: the provider's own charge record.
struct ControlRoutes {
    let state: SimulationState
    static let prefix = "/_sim/"

    func respond(to request: SimRequest) -> SimResponse {
        switch (request.method, request.path) {
        case ("POST", "/_sim/scenario"):
            let pairs = ScenarioText.pairs(String(decoding: request.body, as: UTF8.self))
            let ignored = state.configure(pairs)
            return .json(
                200,
                .object([
                    "applied": .int(pairs.count - ignored.count), "ignored": .array(ignored.map(JSONValue.string)),
                ]))
        case ("GET", "/_sim/state"):
            let (balances, spent) = state.balances()
            return .json(
                200,
                .object([
                    "provider": .string(state.provider.rawValue), "jobs": .int(state.jobCount),
                    "balances": .object(balances.mapValues { .string(SimMoney.sixPlaces($0)) }),
                    "spent": .string(SimMoney.sixPlaces(spent)),
                ]))
        case ("GET", "/_sim/charges"):
            let jobs = state.jobsSnapshot().map { job -> JSONValue in
                .object([
                    "id": .string(job.id), "reference": .string(job.reference), "currency": .string(job.currency),
                    "settled": .bool(job.settled),
                    "outcome": job.settled ? .string(job.scenario.outcome.rawValue) : .null,
                    "kept": .string(SimMoney.sixPlaces(job.keptMicros)),
                ])
            }
            return .json(200, .object(["provider": .string(state.provider.rawValue), "jobs": .array(jobs)]))
        default:
            return .error(404, code: "not_found", message: "Unknown control route")
        }
    }
}
