import Foundation
import ProviderRegistry

/// One provider's credential: a key sent as is, or a wallet that signs sign-in messages.
public enum ProviderCredential: Sendable, CustomStringConvertible {
    case apiKey(Secret)
    case wallet(WalletCredential)

    public var apiKey: Secret? {
        guard case .apiKey(let key) = self else { return nil }
        return key
    }

    public var wallet: WalletCredential? {
        guard case .wallet(let wallet) = self else { return nil }
        return wallet
    }

    public var description: String {
        switch self {
        case .apiKey: return "apiKey(<redacted>)"
        case .wallet(let wallet): return "wallet(\(wallet))"
        }
    }
}

/// Every provider credential, keyed by provider, loaded from the variables each provider's
/// descriptor names (`ProviderDescriptor.credentialVariables`). A provider is configured exactly
/// when it has an entry here. Nothing here prints a secret.
public struct ProviderCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var byProvider: [ProviderID: ProviderCredential]

    public init(_ byProvider: [ProviderID: ProviderCredential] = [:]) {
        self.byProvider = byProvider
    }

    public subscript(provider: ProviderID) -> ProviderCredential? { byProvider[provider] }

    /// Providers whose credentials are present.
    public var configured: Set<ProviderID> { Set(byProvider.keys) }

    /// A variable was set but could not be used. Names the variable, never its value.
    public enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        case invalidSolanaKey(variable: String, reason: SolanaKeypair.LoadError)

        public var description: String {
            switch self {
            case .invalidSolanaKey(let variable, let reason): return "\(variable): \(reason)"
            }
        }
    }

    /// For each provider, the first of its credential variables that is set. Every variable
    /// that is set is read, so a broken Solana key throws even when a preferred one is present.
    public static func fromEnvironment(_ environment: [String: String]) throws(LoadError) -> ProviderCredentials {
        var credentials = ProviderCredentials()
        for provider in ProviderID.allCases {
            for variable in provider.descriptor.credentialVariables {
                guard let credential = try load(variable, from: environment) else { continue }
                if credentials.byProvider[provider] == nil { credentials.byProvider[provider] = credential }
            }
        }
        return credentials
    }

    private static func load(
        _ variable: CredentialVariable, from environment: [String: String]
    ) throws(LoadError) -> ProviderCredential? {
        guard let text = environment[variable.name]?.trimmingCharacters(in: " \n\t"), !text.isEmpty else { return nil }
        switch variable.kind {
        case .apiKey:
            return .apiKey(Secret(text))
        case .preSignedWalletHeader:
            return .wallet(.preSignedHeader(Secret(text)))
        case .solanaSecretKey:
            do {
                return .wallet(.solana(try SolanaKeypair(base58SecretKey: text)))
            } catch {
                throw .invalidSolanaKey(variable: variable.name, reason: error)
            }
        }
    }

    /// Which credentials are present, without their values.
    public var description: String {
        let present = ProviderID.allCases.map { provider in
            "\(provider.rawValue): \(byProvider[provider].map { "\($0)" } ?? "none")"
        }
        return "ProviderCredentials(" + present.joined(separator: ", ") + ")"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["credentials": description]) }
}
