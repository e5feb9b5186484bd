/// The control endpoint each simulated provider serves beside its API:
///
/// - `POST /_sim/scenario` with `key=value` pairs (text body): default scenario keys for every
///   later job, fault rates, and `balance_<currency>=<amount>`. Answers `{applied, ignored}`.
/// - `GET /_sim/state`: job count, balances and the spent counter, amounts as decimal strings.
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
                    "applied": .int(pairs.count - ignored.count), "ignored": .array(ignored.map(SimJSON.string)),
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
        default:
            return .error(404, code: "not_found", message: "Unknown control route")
        }
    }
}
