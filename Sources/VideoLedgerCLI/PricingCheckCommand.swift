import ArgumentParser
import Basics
import Foundation
import Pricing
import ProviderRegistry

/// `videoledger pricing check`: loads and validates every price book; exits non-zero on any
/// problem, listing each as `file:line: message`. Warnings (conflicting sources, announced
/// retirements, prices the provider's request cannot ask for) are listed as
/// `file:line: warning: message` and do not change the exit code. Meant to sit under a
/// `pricing` command group.
struct PricingCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the price books and print their version.")

    @Option(
        name: .customLong("pricing-dir"), help: "Price book directory (default: $VIDEOLEDGER_PRICING_DIR or ./pricing)."
    )
    var pricingDirectory: String?

    func run() async throws {
        let catalog = try PricingDirectory.loadCatalog(pricingDirectory)
        let today = CalendarDay.today()
        print("price books OK: \(PricingDirectory.resolve(pricingDirectory))")
        print("version \(catalog.version)")
        print("\(catalog.families.count) families, \(catalog.models.count) models")
        for provider in ProviderID.allCases {
            let models = catalog.models.filter { $0.provider == provider }
            let inForce = models.filter { model in model.retiredOn.map { today < $0 } ?? true }
            let inferred = models.filter { model in
                model.sheets.contains { sheet in
                    Resolution.allCases.contains { sheet.rate(for: $0)?.provenance.isInferred == true }
                }
            }
            print(
                "  \(provider.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0))"
                    + "\(models.count) models, \(inForce.count) not retired today, \(inferred.count) with inferred prices"
            )
        }
        print("\(catalog.warnings.count) warning(s)")
        for warning in catalog.warnings {
            print(warning.warningDescription)
        }
    }
}

/// Where the price books are: `--pricing-dir`, else `$VIDEOLEDGER_PRICING_DIR`, else `./pricing`.
enum PricingDirectory {
    static let environmentVariable = "VIDEOLEDGER_PRICING_DIR"

    static func resolve(_ option: String?) -> String {
        option ?? ProcessInfo.processInfo.environment[environmentVariable] ?? "pricing"
    }

    /// Loads the catalog, printing every problem to standard error and failing on any.
    static func loadCatalog(_ option: String?) throws -> PriceCatalog {
        do {
            return try PriceCatalog.load(directory: resolve(option))
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            FileHandle.standardError.write(Data("\(error.problems.count) problem(s) in the price books\n".utf8))
            throw ExitCode.failure
        }
    }
}
