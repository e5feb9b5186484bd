import HTTPClient
import Money
import Providers

/// What a failed provider submit means for the job: the provider certainly does not have it
/// (refused: fail the job, release the hold) or it may (unknown: keep the hold, never send it
/// again, let evidence resolve it).
///
/// A refusal needs the provider's own word before anything was done: a 4xx answer, or a
/// connection that was never made. A 5xx or 408 may arrive after minutes of rendering and a
/// charge (none of the five providers documents that a 5xx means "not taken"), and a timeout or
/// a cut connection after the request left says nothing at all: those are unknown outcomes.
enum SubmitFailure: Equatable {
    case refused(code: String, message: String, refunded: Bool)
    case unknown(message: String)

    static func classify(_ error: ProviderError) -> SubmitFailure {
        switch error {
        case .authentication(let message):
            return .refused(code: "submit_authentication", message: message ?? "credential refused", refunded: false)
        case .paymentRequired(let details):
            return .refused(
                code: "submit_payment_required", message: details.message ?? "provider balance too low", refunded: false
            )
        case .rateLimited(let seconds):
            let wait = seconds.map { "; retry after \($0) s" } ?? ""
            return .refused(
                code: "submit_rate_limited", message: "the provider is rate limiting" + wait, refunded: false)
        case .contentPolicy(let refunded, let message):
            return .refused(code: "submit_content_policy", message: message ?? "content refused", refunded: refunded)
        case .notFound(let message), .expired(let message):
            return .refused(code: "submit_rejected", message: message ?? "refused", refunded: false)
        case .rejected(408, _, let message):
            return .unknown(message: "HTTP 408" + (message.map { " \($0)" } ?? ""))
        case .rejected(let status, let code, let message):
            let detail = [code, message].compactMap { $0 }.joined(separator: ": ")
            return .refused(
                code: "submit_rejected", message: "HTTP \(status)" + (detail.isEmpty ? "" : " \(detail)"),
                refunded: false)
        case .unavailable(let status, let message):
            return .unknown(message: "HTTP \(status)" + (message.map { " \($0)" } ?? ""))
        case .malformedResponse(let reason):
            // A 2xx we could not read: most likely accepted.
            return .unknown(message: reason)
        case .unsupported(let message), .missingCredential(let message):
            return .refused(code: "submit_not_configured", message: message, refunded: false)
        case .transport(let transport):
            switch transport {
            case .connectionFailed(let message):
                return .refused(code: "submit_transport", message: "connection failed: \(message)", refunded: false)
            case .unavailable(let message), .invalidURL(let message):
                return .refused(code: "submit_transport", message: message, refunded: false)
            case .timedOut, .cancelled, .transport, .responseTooLarge:
                return .unknown(message: "\(transport)")
            }
        }
    }
}

extension PaymentSource {
    /// Stored in `jobs.payment_source`: `USD`, `wallet:USDC`, or the provider's own word.
    var storedText: String {
        switch self {
        case .accountBalance(let currency): return currency.rawValue
        case .walletBalance(let currency): return "wallet:" + currency.rawValue
        case .other(let text): return "other:" + String(text.prefix(64))
        }
    }

    /// Reads `jobs.payment_source` back: what a status call needs to know which currency the
    /// provider's figures are in (NanoGPT's status omits it).
    init?(storedText text: String) {
        if text.hasPrefix("wallet:") {
            guard let currency = Currency(code: String(text.dropFirst("wallet:".count))) else { return nil }
            self = .walletBalance(currency)
        } else if text.hasPrefix("other:") {
            self = .other(String(text.dropFirst("other:".count)))
        } else {
            guard let currency = Currency(code: text) else { return nil }
            self = .accountBalance(currency)
        }
    }

    /// The currency the provider charged, where the source names one.
    var chargeCurrency: String? {
        switch self {
        case .accountBalance(let currency), .walletBalance(let currency): return currency.rawValue
        case .other: return nil
        }
    }
}
