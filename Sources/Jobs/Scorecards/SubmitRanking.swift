import Pricing
import ProviderRegistry

/// What the ranking saw when a job was submitted, kept on the job (migration 0014) so the
/// savings report can compare what it cost with the cheapest by price and by expected cost then.
struct SubmitRanking: Sendable {
    let rank: QuoteRank
    /// The chosen offer's expected cost per successful clip.
    let chosenExpectedMicros: Int64
    /// The lowest price of any qualifying offer.
    let cheapestPriceMicros: Int64
    /// The lowest expected cost of any qualifying offer.
    let cheapestExpectedMicros: Int64

    init(_ quote: RankedQuote, chosen: RankedOffer) {
        rank = quote.rank
        chosenExpectedMicros = chosen.expectedMicros
        cheapestPriceMicros = quote.cheapestByPrice?.offer.costMicros ?? chosen.offer.costMicros
        cheapestExpectedMicros = quote.cheapestByExpected?.expectedMicros ?? chosen.expectedMicros
    }
}

extension JobService {
    /// The book submits rank with: the scorecard in force, or priors only without one.
    var expectedCostBook: ExpectedCostBook { scorecards?.book ?? priorsOnly }
}
