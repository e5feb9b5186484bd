import Pricing
import Providers

/// Pricing and Providers each name the five providers with their own `ProviderID` (same raw
/// values: the price book's file name and the adapter's configuration name). Jobs stores the raw
/// value and converts at the edges, here only.
typealias PricedProvider = Pricing.ProviderID
typealias AdapterProvider = Providers.ProviderID

extension Pricing.ProviderID {
    /// The adapter side's id; every priced provider has one.
    var adapterID: Providers.ProviderID {
        guard let id = Providers.ProviderID(rawValue: rawValue) else {
            preconditionFailure("price book provider \(rawValue) has no adapter id")
        }
        return id
    }
}

extension Providers.ProviderID {
    /// Providers whose submit is the whole job (AIGate renders while the connection stays open):
    /// the poller sends them, so a REST caller never waits 15 minutes.
    var isSynchronous: Bool { self == .aigate }
}
