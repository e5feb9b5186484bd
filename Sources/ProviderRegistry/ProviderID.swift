/// The providers VideoLedger prices, sends jobs to and simulates: the one list of them.
///
/// The raw value is the provider's name everywhere it is written down: the price book's file
/// (`pricing/<raw>.yaml`), the `provider` column of quotes, jobs and provider charges, the
/// `provider:<raw>:payable` ledger accounts, the `VIDEOLEDGER_<RAW>_` environment variables and
/// the OpenAPI document's provider enums. What differs between providers is in `descriptor`;
/// adding a case makes the compiler name every `switch` that must learn it
/// (docs/how-to/add-a-provider.md).
public enum ProviderID: String, Sendable, Hashable, CaseIterable, Codable, Comparable, CustomStringConvertible {
    case aimo
    /// Any gateway speaking OpenAI's `/v1/videos` shape.
    case openAIVideos = "openai-videos"
    case venice
    case nanoGPT = "nanogpt"
    case aigate

    /// Position in `allCases`: the stable tie-break when two offers cost the same, and the
    /// simulator's port offset.
    public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (left: ProviderID, right: ProviderID) -> Bool { left.order < right.order }

    public var description: String { rawValue }

    /// The `VIDEOLEDGER_<NAME>_` prefix of this provider's environment variables.
    public var environmentPrefix: String {
        "VIDEOLEDGER_" + String(rawValue.uppercased().map { $0 == "-" ? "_" : $0 }) + "_"
    }

    /// `VIDEOLEDGER_<NAME>_BASE_URL`: where the operator points the provider (a reseller, a
    /// proxy, the simulator).
    public var baseURLVariable: String { environmentPrefix + "BASE_URL" }
}

extension ProviderID {
    /// What sets this provider apart. A new provider adds its case to the enum above and its
    /// descriptor here; docs/how-to/add-a-provider.md lists the other places, each one a `switch`
    /// the compiler checks or a test that names it.
    public var descriptor: ProviderDescriptor {
        switch self {
        case .aimo: describe(.silentReserve, [.solanaSecretKey, .preSignedWalletHeader], "https://beta.aimo.network")
        case .openAIVideos: describe(.atCompletion, [.apiKey], nil)
        case .venice:
            describe(.silentReserve, [.apiKey, .solanaSecretKey], "https://api.venice.ai", basePath: "/api/v1")
        case .nanoGPT: describe(.reportedPrecharge, [.apiKey], "https://nano-gpt.com")
        case .aigate: describe(.atCompletion, [.apiKey], "https://api.aigate.shop", synchronous: true)
        }
    }

    /// A descriptor whose credential variables are named `VIDEOLEDGER_<NAME>_<KIND>`, in the
    /// order given (the first one set is used), and whose base URLs must be https off loopback.
    private func describe(
        _ billing: ProviderBilling, _ credentials: [CredentialVariable.Kind], _ origin: String?, basePath: String = "",
        synchronous: Bool = false
    ) -> ProviderDescriptor {
        ProviderDescriptor(
            billing: billing, isSynchronous: synchronous,
            credentialVariables: credentials.map { CredentialVariable(environmentPrefix + $0.variableSuffix, $0) },
            defaultOrigin: origin, basePath: basePath, requiresHTTPS: true)
    }

    /// The price book's file name under `pricing/`.
    public var priceBookFileName: String { rawValue + ".yaml" }
}
