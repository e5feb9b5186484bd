/// What sets one provider apart from another, written once for every layer: how it bills,
/// whether its submit is the whole job, which variables hold its credentials, where its API is.
public struct ProviderDescriptor: Sendable {
    public let billing: ProviderBilling
    /// The submit call is the whole job (AIGate renders while the connection stays open for up
    /// to 15 minutes): the poller sends such jobs, so a REST caller never waits on one.
    public let isSynchronous: Bool
    /// The variables that may hold the credential, in order of preference: the first one set
    /// is used (each one set is still checked, so a broken key is reported, not skipped).
    public let credentialVariables: [CredentialVariable]
    /// `scheme://host` of the public API, nil when there is none to default to: the OpenAI-style
    /// gateway is whichever reseller the operator pays, so its key must never travel to a host
    /// nobody named.
    public let defaultOrigin: String?
    /// The path the API lives under, carried by every base URL (Venice: `/api/v1`, as its docs
    /// write it); the simulator serves the provider under it too.
    public let basePath: String

    /// The public base URL, or nil when the operator must name one.
    public var defaultBaseURL: String? { defaultOrigin.map { $0 + basePath } }

    /// Base URLs a real credential is sent to must be `https`, except on loopback (a simulator,
    /// a local proxy), where plain http cannot leak a credential off the machine. True for every
    /// provider; a field so the rule is stated where the endpoint is.
    public let requiresHTTPS: Bool
}

/// How a provider takes our money, which decides what `provider_charges` rows a job's events
/// write and how balance movements are read as evidence.
public enum ProviderBilling: Sendable, Equatable {
    /// Takes a reported precharge at submit, adjusts to the final cost after (NanoGPT).
    case reportedPrecharge
    /// Reserves the price at submit without saying how much (Venice, AIMO): we record our quote.
    case silentReserve
    /// Charges when the job completes (the OpenAI-style gateway, AIGate).
    case atCompletion

    /// Money leaves the provider balance when the job is submitted (and is adjusted or refunded
    /// when it ends), rather than when it completes.
    public var chargesAtSubmit: Bool { self != .atCompletion }
}

/// One environment variable that can hold a provider credential.
public struct CredentialVariable: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A bearer or header key, sent as is.
        case apiKey
        /// A base58 Solana keypair (64 bytes) or seed (32 bytes) that signs wallet sign-ins.
        case solanaSecretKey
        /// A `SIGN-IN-WITH-X` header signed elsewhere (EVM wallets), sent as is.
        case preSignedWalletHeader

        /// What follows `VIDEOLEDGER_<NAME>_` in the variable's name.
        public var variableSuffix: String {
            switch self {
            case .apiKey: "API_KEY"
            case .solanaSecretKey: "SOLANA_SECRET_KEY"
            case .preSignedWalletHeader: "EVM_SIWX_HEADER"
            }
        }
    }

    public let name: String
    public let kind: Kind

    public init(_ name: String, _ kind: Kind) {
        self.name = name
        self.kind = kind
    }
}
