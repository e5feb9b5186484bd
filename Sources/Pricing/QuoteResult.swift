import ProviderRegistry

/// Every provider's answer to one quote request: offers cheapest first, and the providers that
/// cannot serve it with their reasons.
public struct QuoteResult: Sendable, Hashable {
    public let request: QuoteRequest
    /// Sorted by cost; ties go to the provider earlier in `ProviderID.allCases`, then by slug.
    public let offers: [Offer]
    public let rejections: [Rejection]
    public let priceBookVersion: PriceBookVersion

    /// The pre-submission answer: the cheapest offer, if any provider can serve the request.
    public var cheapest: Offer? { offers.first }
}
