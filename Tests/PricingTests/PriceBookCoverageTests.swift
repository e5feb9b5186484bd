import Foundation
import Pricing
import ProviderRegistry
import Testing

/// Every provider in the registry has a price book: without one it would silently never be
/// offered (a missing book is not a load error, since a provider may price nothing yet).
@Suite struct PriceBookCoverageTests {
    @Test func everyProviderHasAPriceBook() throws {
        for provider in ProviderID.allCases {
            let path = SeedBooks.directory + "/" + provider.priceBookFileName
            #expect(FileManager.default.fileExists(atPath: path), "pricing/\(provider.priceBookFileName) is missing")
            #expect(!SeedBooks.catalog.models.filter { $0.provider == provider }.isEmpty, "\(provider) prices no model")
        }
    }
}
