import Hummingbird
import Pricing

/// How a quote or a `cheapest` submit ranks: `rank` (`price`, the default, or `expected`) and
/// the optional `max_p95_seconds` and `min_success_rate`, from a query or a JSON body.
struct RankingInput: Sendable, Hashable {
    var rank: QuoteRank = .price
    var constraints: QuoteConstraints = .none

    static let p95SecondsMax = 86_400

    /// From query parameters; 400 for a value out of its form.
    static func parse(query: Parameters) throws -> RankingInput {
        try make(
            rank: query["rank"].map(String.init), maxP95Seconds: query["max_p95_seconds"].map(String.init),
            minSuccessRate: query["min_success_rate"].map { FlexibleRate(text: String($0)) })
    }

    /// From a body's fields.
    static func make(rank: String?, maxP95Seconds: String?, minSuccessRate: FlexibleRate?) throws -> RankingInput {
        var input = RankingInput()
        if let rank {
            guard let parsed = QuoteRank(rawValue: rank) else {
                throw APIError.badRequest("invalid_rank", "rank must be price or expected")
            }
            input.rank = parsed
        }
        if let text = maxP95Seconds {
            guard let seconds = Int(text), (1...p95SecondsMax).contains(seconds) else {
                throw APIError.badRequest(
                    "invalid_max_p95_seconds", "max_p95_seconds must be an integer from 1 to \(p95SecondsMax)")
            }
            input.constraints.maxP95Seconds = seconds
        }
        if let rate = minSuccessRate {
            guard let ppb = rate.ppb else {
                throw APIError.badRequest(
                    "invalid_min_success_rate", "min_success_rate must be a decimal from 0 to 1, at most 9 decimals")
            }
            input.constraints.minSuccessPPB = ppb
        }
        return input
    }
}

/// `min_success_rate` in a JSON body: a number (0.8) or a decimal string ("0.8").
struct FlexibleRate: Decodable, Sendable {
    /// Parts per billion; nil when out of [0, 1] or not a rate.
    let ppb: Int64?

    init(text: String) {
        ppb = Reliability.ppb(decimal: text)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            ppb = Reliability.ppb(decimal: text)
        } else if let number = try? container.decode(Double.self), number.isFinite {
            // A probability, not money: to parts per billion, rounded.
            ppb = (0...1).contains(number) ? Reliability.ppb(number) : nil
        } else {
            throw DecodingError.typeMismatch(
                Double.self,
                .init(codingPath: decoder.codingPath, debugDescription: "min_success_rate must be a number from 0 to 1")
            )
        }
    }
}
