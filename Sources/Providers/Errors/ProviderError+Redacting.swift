extension ProviderError {
    /// The error with every occurrence of `secrets` in provider-supplied text replaced by
    /// `<redacted>`: a provider that echoes the key it refused ("invalid key sk-…") must not put
    /// it into our logs or the job's last error.
    func redacting(_ secrets: [String]) -> ProviderError {
        let secrets = secrets.filter { $0.count >= Self.secretCharactersMin }
        guard !secrets.isEmpty else { return self }
        func clean(_ text: String?) -> String? {
            text.map { secrets.reduce($0) { $0.replacingOccurrences(of: $1, with: "<redacted>") } }
        }
        switch self {
        case .authentication(let message): return .authentication(message: clean(message))
        case .paymentRequired(var details):
            details.message = clean(details.message)
            return .paymentRequired(details)
        case .contentPolicy(let refunded, let message):
            return .contentPolicy(refunded: refunded, message: clean(message))
        case .notFound(let message): return .notFound(message: clean(message))
        case .expired(let message): return .expired(message: clean(message))
        case .rejected(let status, let code, let message):
            return .rejected(status: status, code: code, message: clean(message))
        case .unavailable(let status, let message): return .unavailable(status: status, message: clean(message))
        case .malformedResponse(let reason): return .malformedResponse(reason: clean(reason) ?? reason)
        case .rateLimited, .unsupported, .missingCredential, .transport: return self
        }
    }

    /// Shorter strings are not treated as secrets: replacing them would garble ordinary text.
    static let secretCharactersMin = 8
}
