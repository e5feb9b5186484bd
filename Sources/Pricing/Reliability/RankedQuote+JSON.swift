import Foundation
import Money
import ProviderRegistry

// JSON for ranked quotes, as the CLI and the REST API send them: an offer's own keys plus its
// expected cost (a six-decimal USD string, like every amount) and the estimate behind it, whose
// rates are plain numbers (probabilities, not money).

extension ReliabilityEstimate: Encodable {
    private enum Keys: String, CodingKey {
        case jobs, completed
        case successRate = "success_rate"
        case observedSuccessRate = "observed_success_rate"
        case interval
        case priorSuccessRate = "prior_success_rate"
        case priorWeight = "prior_weight"
        case rankingSuccessRate = "ranking_success_rate"
        case quoteErrorRate = "quote_error_rate"
        case failureBilledRate = "failure_billed_rate"
        case p95Milliseconds = "p95_ms"
        case basis
    }

    private enum IntervalKeys: String, CodingKey { case low, high, confidence }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(jobs, forKey: .jobs)
        try container.encode(completed, forKey: .completed)
        try container.encode(Self.rate(successPPB), forKey: .successRate)
        try container.encode(observedSuccessPPB.map(Self.rate), forKey: .observedSuccessRate)
        var interval = container.nestedContainer(keyedBy: IntervalKeys.self, forKey: .interval)
        try interval.encode(Self.rate(observedLowPPB), forKey: .low)
        try interval.encode(Self.rate(observedHighPPB), forKey: .high)
        try interval.encode("wilson_95", forKey: .confidence)
        try container.encode(Self.rate(priorSuccessPPB), forKey: .priorSuccessRate)
        try container.encode(Self.rate(priorWeightPPB), forKey: .priorWeight)
        try container.encode(Self.rate(rankingSuccessPPB), forKey: .rankingSuccessRate)
        try container.encode(Self.rate(quoteErrorPPB), forKey: .quoteErrorRate)
        try container.encode(Self.rate(failureBilledPPB), forKey: .failureBilledRate)
        try container.encode(p95Milliseconds, forKey: .p95Milliseconds)
        try container.encode(successSummary, forKey: .basis)
    }

    /// Parts per billion as a JSON number: exact to the nine decimals it has.
    static func rate(_ ppb: Int64) -> Double { Double(ppb) / Double(Reliability.scale) }
}

extension RankedOffer: Encodable {
    private enum Keys: String, CodingKey {
        case expectedCostUSD = "expected_cost_usd"
        case reliability
    }

    public func encode(to encoder: any Encoder) throws {
        try offer.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(DecimalAmount.string(fromMicros: expectedMicros), forKey: .expectedCostUSD)
        try container.encode(estimate, forKey: .reliability)
    }
}

extension PassedOver: Encodable {
    private enum Keys: String, CodingKey {
        case provider
        case providerModel = "provider_model"
        case quality, code, reason
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(provider, forKey: .provider)
        try container.encodeIfPresent(providerModel, forKey: .providerModel)
        try container.encodeIfPresent(quality, forKey: .quality)
        try container.encode(code, forKey: .code)
        try container.encode(reason, forKey: .reason)
    }
}

extension RankedQuote {
    /// What the ranking rests on, sent with every ranked answer.
    public struct Basis: Encodable, Sendable {
        let rank: QuoteRank
        let book: ExpectedCostBook
        let constraints: QuoteConstraints

        private enum Keys: String, CodingKey {
            case rank, window
            case scorecardGeneration = "scorecard_generation"
            case scorecardAsOf = "scorecard_as_of"
            case maxP95Seconds = "max_p95_seconds"
            case minSuccessRate = "min_success_rate"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(rank.rawValue, forKey: .rank)
            try container.encode(book.window, forKey: .window)
            try container.encode(book.generation, forKey: .scorecardGeneration)
            try container.encode(book.computedAt.map { $0.formatted(.iso8601) }, forKey: .scorecardAsOf)
            try container.encodeIfPresent(constraints.maxP95Seconds, forKey: .maxP95Seconds)
            try container.encodeIfPresent(
                constraints.minSuccessPPB.map(ReliabilityEstimate.rate), forKey: .minSuccessRate)
        }
    }

    public var basis: Basis { Basis(rank: rank, book: book, constraints: constraints) }

    /// The best offer as `GET /v1/quotes/cheapest` answers it: the offer's keys, its expected
    /// cost, the ranking's basis and every provider passed over.
    public struct Cheapest: Encodable, Sendable {
        public let quote: RankedQuote
        public let best: RankedOffer

        public init(quote: RankedQuote, best: RankedOffer) {
            self.quote = quote
            self.best = best
        }

        private enum Keys: String, CodingKey {
            case ranking
            case passedOver = "passed_over"
        }

        public func encode(to encoder: any Encoder) throws {
            try best.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(quote.basis, forKey: .ranking)
            try container.encode(quote.passedOver, forKey: .passedOver)
        }
    }
}

extension RankedQuote: Encodable {
    private enum Keys: String, CodingKey {
        case family
        case priceBookVersion = "price_book_version"
        case pricedOn = "priced_on"
        case offers, rejections, ranking
        case passedOver = "passed_over"
    }

    /// `POST /v1/quotes`: the quote's keys (offers in rank order, the catalog's rejections), the
    /// ranking's basis and every provider model passed over.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(request.family, forKey: .family)
        try container.encode(priceBookVersion, forKey: .priceBookVersion)
        try container.encode(request.pricedOn, forKey: .pricedOn)
        try container.encode(offers, forKey: .offers)
        try container.encode(rejections, forKey: .rejections)
        try container.encode(basis, forKey: .ranking)
        try container.encode(passedOver, forKey: .passedOver)
    }
}
