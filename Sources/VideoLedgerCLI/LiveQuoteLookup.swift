import ArgumentParser
import Foundation
import Jobs
import Logging
import Money
import Pricing

/// `videoledger quote --live`: each offer of a provider with a quote endpoint, beside that
/// provider's live price for it, over the adapters `serve` would use (real credentials, else
/// simulator base URLs from `videoledger simulate-providers`).
enum LiveQuoteLookup {
    /// Offers asked live per run: a quote is a network call each.
    static let offersMax = 32

    static func drifts(for result: QuoteResult) async throws -> [QuoteDrift] {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "videoledger.quote")
        logger.logLevel = .warning
        let providers: JobsEnvironment
        do {
            providers = try JobsEnvironment.fromCLIEnvironment(environment, logger: logger)
        } catch {
            throw ValidationError(
                "--live needs a provider to ask: set VIDEOLEDGER_VENICE_API_KEY, or VIDEOLEDGER_VENICE_BASE_URL to a simulator ("
                    + "videoledger simulate-providers prints it) (\(error))")
        }
        let liveQuotes = LiveQuotes(adapters: providers.adapters, logger: logger)
        var drifts: [QuoteDrift] = []
        var failure: (any Error)?
        for offer in result.offers.prefix(offersMax) where liveQuotes.providers.contains(offer.provider) {
            do {
                if let drift = try await liveQuotes.drift(for: offer, aspectRatio: result.request.aspectRatio) {
                    drifts.append(drift)
                }
            } catch {
                failure = error
                break
            }
        }
        await providers.client.shutdown()
        if let failure { throw ValidationError("live quote failed: \(failure)") }
        return drifts
    }

    static func table(_ drifts: [QuoteDrift]) -> String {
        guard !drifts.isEmpty else { return "live: no offer from a provider with a quote endpoint" }
        return
            (["live (catalog → provider's own price now):"]
            + drifts.map { drift in
                let percent = (try? drift.driftBasisPoints).map(Self.percent) ?? "?"
                return
                    "  \(drift.query.provider.rawValue) \(drift.query.providerModel): \(DecimalAmount.string(fromMicros: drift.catalogMicros))"
                    + " → \(DecimalAmount.string(fromMicros: drift.liveMicros)) USD, drift \(DecimalAmount.string(fromMicros: drift.driftMicros))"
                    + " (\(percent) %)"
            }).joined(separator: "\n")
    }

    /// Basis points as a percentage with two decimals: -909 → "-9.09".
    static func percent(basisPoints: Int64) -> String {
        let magnitude = basisPoints.magnitude
        let hundredths = magnitude % 100
        return (basisPoints < 0 ? "-" : "") + "\(magnitude / 100)." + (hundredths < 10 ? "0" : "") + "\(hundredths)"
    }

    /// `--live --json`: the quote as without `--live`, and the live prices.
    struct Document: Encodable {
        let quote: QuoteResult
        let live: [Entry]
    }

    struct Entry: Encodable {
        let provider: String
        let model: String
        let catalog: String
        let live: String
        let drift: String

        init(_ drift: QuoteDrift) {
            provider = drift.query.provider.rawValue
            model = drift.query.providerModel
            catalog = DecimalAmount.string(fromMicros: drift.catalogMicros)
            live = DecimalAmount.string(fromMicros: drift.liveMicros)
            self.drift = DecimalAmount.string(fromMicros: drift.driftMicros)
        }
    }
}
