import Basics
import HTTPClient
import Money

@testable import Providers

/// Builds a recorded response: a status, a JSON (or other) body exactly as the docs show it.
func recorded(_ status: Int, _ body: String, contentType: String = "application/json", headers: [HTTPHeader] = [])
    -> HTTPResponse
{
    HTTPResponse(status: status, headers: [HTTPHeader("Content-Type", contentType)] + headers, body: Array(body.utf8))
}

func usd(_ text: String) -> Money { Money(micros: (try? DecimalAmount.micros(from: text)) ?? -1, currency: .usd) }

func endpoint(_ url: String) -> ProviderEndpoint {
    guard let endpoint = try? ProviderEndpoint(baseURL: url) else { preconditionFailure("bad test URL \(url)") }
    return endpoint
}

/// The error a throwing call produced, or nil when it returned.
func providerError<T>(_ body: () throws -> T) -> ProviderError? {
    do {
        _ = try body()
        return nil
    } catch let error as ProviderError {
        return error
    } catch {
        return .malformedResponse(reason: "unexpected error type: \(error)")
    }
}

/// The payment details of a `paymentRequired` error, or nil.
func paymentDetails(_ error: ProviderError?) -> PaymentRequiredDetails? {
    guard case .paymentRequired(let details) = error else { return nil }
    return details
}

/// The JSON body a request carries.
func jsonBody(_ request: HTTPRequest) -> JSONValue? {
    request.body.flatMap { try? JSONParser.parse($0) }
}
