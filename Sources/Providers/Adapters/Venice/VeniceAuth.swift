import HTTPClient
import Money

/// How requests to Venice are authenticated: a Bearer API key, or an x402 wallet signing a
/// fresh Venice-dialect `SIGN-IN-WITH-X` header per request.
public enum VeniceAuth: Sendable, CustomStringConvertible {
    case apiKey(Secret)
    case wallet(SolanaKeypair)

    /// Where charges come from with this credential.
    var paymentSource: PaymentSource {
        switch self {
        case .apiKey: return .accountBalance(.usd)
        case .wallet: return .walletBalance(.usd)
        }
    }

    func header(baseURL: String, nowUnixMilliseconds: Int64, nonce: String) throws(ProviderError) -> HTTPHeader {
        switch self {
        case .apiKey(let key):
            return RequestBody.bearer(key)
        case .wallet(let keypair):
            do {
                let value = try SignInWithX.veniceHeader(
                    keypair: keypair, baseURL: baseURL, nowUnixMilliseconds: nowUnixMilliseconds, nonce: nonce)
                return HTTPHeader(SignInWithX.headerName, value)
            } catch {
                throw .authentication(message: "could not sign the Venice sign-in message")
            }
        }
    }

    public var description: String {
        switch self {
        case .apiKey: return "apiKey(<redacted>)"
        case .wallet: return "wallet(<redacted>)"
        }
    }
}
