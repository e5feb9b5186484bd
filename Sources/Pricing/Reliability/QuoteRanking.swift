import Money
import ProviderRegistry

/// What "cheapest" means for a lookup: the catalog price (the default), or the expected cost
/// per successful clip, which counts failures, billed failures and quote error from history.
public enum QuoteRank: String, Sendable, Hashable, CaseIterable {
    case price
    case expected
}

/// Optional limits a provider must meet to be offered, judged on its scorecard.
public struct QuoteConstraints: Sendable, Hashable {
    /// The provider's 95th-percentile time to complete must be at most this; a provider with no
    /// completed job yet has no p95 and is not excluded.
    public var maxP95Seconds: Int?
    /// The estimated success rate (prior-blended) must be at least this, in parts per billion.
    public var minSuccessPPB: Int64?

    public init(maxP95Seconds: Int? = nil, minSuccessPPB: Int64? = nil) {
        self.maxP95Seconds = maxP95Seconds
        self.minSuccessPPB = minSuccessPPB
    }

    public static let none = QuoteConstraints()

    /// Why `estimate` does not meet these limits: (code, reason); nil when it does.
    public func violation(_ estimate: ReliabilityEstimate) -> (code: String, reason: String)? {
        if let limit = maxP95Seconds, let p95 = estimate.p95Milliseconds, p95 > Int64(limit) * 1_000 {
            let seconds = "\(p95 / 1_000).\(p95 % 1_000 / 100)"
            return (
                "too_slow",
                "p95 time to complete \(seconds) s is over the limit of \(limit) s (\(estimate.completed) completed jobs)"
            )
        }
        if let minimum = minSuccessPPB, estimate.successPPB < minimum {
            return (
                "success_rate_too_low",
                "\(estimate.successSummary), below the minimum \(Reliability.decimal(minimum, digits: 2))"
            )
        }
        return nil
    }
}

/// An offer with its expected cost per successful clip and the estimate behind it.
public struct RankedOffer: Sendable, Hashable {
    public let offer: Offer
    public let expectedMicros: Int64
    public let estimate: ReliabilityEstimate

    public init(offer: Offer, estimate: ReliabilityEstimate) {
        self.offer = offer
        self.estimate = estimate
        self.expectedMicros = estimate.expectedMicros(priceMicros: offer.costMicros)
    }

    public var expectedCost: Money { Money(micros: expectedMicros, currency: .usd) }

    /// The figure `rank` orders by.
    @inline(__always)
    public func figure(_ rank: QuoteRank) -> Int64 { rank == .price ? offer.costMicros : expectedMicros }
}

/// A provider model not chosen, and why: the catalog cannot price it, it misses a constraint,
/// it is not configured here, or another offer ranked first.
public struct PassedOver: Sendable, Hashable {
    public let provider: ProviderID
    public let providerModel: String?
    public let quality: String?
    /// `outranked`, `too_slow`, `success_rate_too_low`, `provider_disabled`, or a rejection code.
    public let code: String
    public let reason: String

    public init(provider: ProviderID, providerModel: String?, quality: String?, code: String, reason: String) {
        self.provider = provider
        self.providerModel = providerModel
        self.quality = quality
        self.code = code
        self.reason = reason
    }
}

/// A quote ranked by price or expected cost: the offers that qualify, best first, and every
/// provider model passed over with its reason.
public struct RankedQuote: Sendable {
    public let request: QuoteRequest
    public let rank: QuoteRank
    public let constraints: QuoteConstraints
    public let offers: [RankedOffer]
    public let passedOver: [PassedOver]
    /// The catalog's rejections (also in `passedOver`).
    public let rejections: [Rejection]
    public let priceBookVersion: PriceBookVersion
    /// The scorecard the estimates come from.
    public let book: ExpectedCostBook

    public var best: RankedOffer? { offers.first }
    /// The cheapest qualifying offer by price, and by expected cost, whatever the rank.
    public var cheapestByPrice: RankedOffer? { offers.min { Self.before($0, $1, .price) } }
    public var cheapestByExpected: RankedOffer? { offers.min { Self.before($0, $1, .expected) } }

    /// The order of `rank`. By price exactly as before ranking existed: price, then provider
    /// order, then slug. By expected cost: expected cost, then price, then the same.
    static func before(_ left: RankedOffer, _ right: RankedOffer, _ rank: QuoteRank) -> Bool {
        if left.figure(rank) != right.figure(rank) { return left.figure(rank) < right.figure(rank) }
        if rank == .expected, left.offer.costMicros != right.offer.costMicros {
            return left.offer.costMicros < right.offer.costMicros
        }
        if left.offer.provider != right.offer.provider { return left.offer.provider.order < right.offer.provider.order }
        return Array(left.offer.providerModel.utf8).lexicographicallyPrecedes(Array(right.offer.providerModel.utf8))
    }
}

extension PriceCatalog {
    /// Every offer with its expected cost, ranked by `rank`, those that miss `constraints` or
    /// whose provider `isAvailable` refuses passed over with the reason, like every offer after
    /// the first and every provider the catalog rejects.
    public func rankedQuote(
        _ request: QuoteRequest, rank: QuoteRank, book: ExpectedCostBook, constraints: QuoteConstraints = .none,
        isAvailable: (ProviderID) -> Bool = { _ in true }
    ) -> RankedQuote {
        precondition(
            book.layoutKey == layoutKey, "an ExpectedCostBook must be built for the catalog that ranks with it")
        let result = quote(request)
        var eligible: [RankedOffer] = []
        var passed: [PassedOver] = []
        for offer in result.offers {
            guard let estimate = book.estimate(provider: offer.provider, family: offer.family) else {
                preconditionFailure("the book has every provider and family of its catalog")
            }
            let ranked = RankedOffer(offer: offer, estimate: estimate)
            if !isAvailable(offer.provider) {
                passed.append(
                    PassedOver(
                        provider: offer.provider, providerModel: offer.providerModel, quality: offer.quality,
                        code: "provider_disabled", reason: "not configured on this service (no credentials)"))
            } else if let violation = constraints.violation(estimate) {
                passed.append(
                    PassedOver(
                        provider: offer.provider, providerModel: offer.providerModel, quality: offer.quality,
                        code: violation.code, reason: violation.reason))
            } else {
                eligible.append(ranked)
            }
        }
        eligible.sort { RankedQuote.before($0, $1, rank) }
        if let best = eligible.first {
            for other in eligible.dropFirst() {
                passed.append(
                    PassedOver(
                        provider: other.offer.provider, providerModel: other.offer.providerModel,
                        quality: other.offer.quality, code: "outranked", reason: Self.outranked(other, by: best, rank)))
            }
        }
        for rejection in result.rejections {
            passed.append(
                PassedOver(
                    provider: rejection.provider, providerModel: rejection.providerModel, quality: rejection.quality,
                    code: rejection.reason.code, reason: rejection.reason.description))
        }
        passed.sort {
            ($0.provider.order, $0.providerModel ?? "", $0.quality ?? "") < (
                $1.provider.order, $1.providerModel ?? "", $1.quality ?? ""
            )
        }
        return RankedQuote(
            request: request, rank: rank, constraints: constraints, offers: eligible, passedOver: passed,
            rejections: result.rejections,
            priceBookVersion: version, book: book)
    }

    static func outranked(_ offer: RankedOffer, by best: RankedOffer, _ rank: QuoteRank) -> String {
        let name = "\(best.offer.provider.rawValue) \(best.offer.providerModel)"
        switch rank {
        case .price:
            return "price \(offer.offer.cost.decimalString) USD, above \(name) at \(best.offer.cost.decimalString) USD"
        case .expected:
            return
                "expected \(offer.expectedCost.decimalString) USD per successful clip (\(offer.estimate.successSummary)), above "
                + "\(name) at \(best.expectedCost.decimalString) USD"
        }
    }

    /// The best offer by `rank`, alone: the hot path behind "which provider is cheapest",
    /// in memory and without building the other offers. By price, ties go to the provider
    /// earlier in `ProviderID.allCases` (as `cheapestOffer(for:)`); by expected cost, to the
    /// lower price, then the same.
    public func cheapestOffer(for request: QuoteRequest, rank: QuoteRank, book: ExpectedCostBook) -> RankedOffer? {
        precondition(request.layoutKey == layoutKey, "a QuoteRequest must be evaluated by the catalog that made it")
        precondition(
            book.layoutKey == layoutKey, "an ExpectedCostBook must be built for the catalog that ranks with it")
        var best: (index: Int, pricing: Pricing, expected: Int64)?
        for index in request.candidates {
            guard case .priced(let pricing) = evaluate(models[index], request) else { continue }
            let price = pricing.breakdown.totalMicros
            // By price, the expected cost is needed for the winner only.
            let expected = rank == .expected ? book.byModel[index].expectedMicros(priceMicros: price) : 0
            if let current = best {
                let currentPrice = current.pricing.breakdown.totalMicros
                // Candidates are in provider order, so on a full tie the earlier one stays.
                let better: Bool
                switch rank {
                case .expected:
                    better = expected < current.expected || (expected == current.expected && price < currentPrice)
                case .price:
                    better = price < currentPrice
                }
                if better { best = (index, pricing, expected) }
            } else {
                best = (index, pricing, expected)
            }
        }
        return best.map {
            RankedOffer(offer: offer(models[$0.index], request, $0.pricing), estimate: book.byModel[$0.index])
        }
    }
}
