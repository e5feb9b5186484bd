import Money

@testable import Providers

/// What every parser result must satisfy, whatever the body: each figure inside
/// `ResponseBounds`, provider text shortened, ids present. Each function returns the violations
/// it found, worded for a failure message.
enum BoundsCheck {
    /// Provider text in results and errors is cut to this many characters (the cut adds "…").
    static let textCharactersMax = ResponseBody.messageCharactersMax + 1
    /// A malformed-response reason names a field and shows at most two shortened provider texts.
    static let reasonCharactersMax = 1_000

    static func cost(_ money: Money?, _ what: String) -> [String] {
        guard let money, !ResponseBounds.costMicrosRange.contains(money.micros) else { return [] }
        return ["\(what) \(money) outside the cost bounds"]
    }

    static func balance(_ money: Money?, _ what: String) -> [String] {
        guard let money, !ResponseBounds.balanceMicrosRange.contains(money.micros) else { return [] }
        return ["\(what) \(money) outside the balance bounds"]
    }

    static func snapshot(_ snapshot: BalanceSnapshot?, _ what: String) -> [String] {
        guard let snapshot else { return [] }
        var violations = snapshot.available.flatMap { balance($0, "\(what) available") }
        if let spent = snapshot.spentToDate, !ResponseBounds.spentMicrosRange.contains(spent.micros) {
            violations.append("\(what) spentToDate \(spent) outside 0...balanceMicrosMax")
        }
        return violations
    }

    static func submission(_ submission: ProviderSubmission) -> [String] {
        var violations =
            cost(submission.precharge, "precharge") + balance(submission.remainingBalance, "remainingBalance")
        if submission.providerJobID.isEmpty { violations.append("empty providerJobID") }
        if let variants = submission.variantsExpected, !(1...ResponseBounds.variantsMax).contains(Int64(variants)) {
            violations.append("variantsExpected \(variants) outside 1...\(ResponseBounds.variantsMax)")
        }
        violations += snapshot(submission.balanceBefore, "balanceBefore")
        if let final = submission.finalStatus { violations += status(final) }
        return violations
    }

    static func status(_ status: ProviderStatus) -> [String] {
        var violations = cost(status.reportedCost, "reportedCost") + snapshot(status.balance, "status balance")
        if let progress = status.progressPercent, !ResponseBounds.progressPercentRange.contains(Int64(progress)) {
            violations.append("progressPercent \(progress) outside 0...100")
        }
        if let eta = status.etaMilliseconds, !(0...ResponseBounds.etaMillisecondsMax).contains(eta) {
            violations.append("etaMilliseconds \(eta) outside 0...etaMillisecondsMax")
        }
        if let seconds = status.billedSeconds, !(0...ResponseBounds.billedSecondsMax).contains(Int64(seconds)) {
            violations.append("billedSeconds \(seconds) outside 0...billedSecondsMax")
        }
        if let expires = status.expiresAtUnixMilliseconds, expires <= 0 {
            violations.append("expiresAt \(expires) not positive")
        }
        if status.resultURLs.count > ResultURLs.urlsMax || status.resultURLs.contains(where: \.isEmpty) {
            violations.append("\(status.resultURLs.count) result URLs, or an empty one")
        }
        if let reason = status.failureReason, reason.count > textCharactersMax {
            violations.append("failureReason of \(reason.count) characters")
        }
        return violations
    }

    static func error(_ error: ProviderError) -> [String] {
        func text(_ value: String?, _ what: String) -> [String] {
            guard let value, value.count > textCharactersMax else { return [] }
            return ["\(what) of \(value.count) characters"]
        }
        switch error {
        case .malformedResponse(let reason):
            return reason.isEmpty || reason.count > reasonCharactersMax
                ? ["malformedResponse reason of \(reason.count) characters"] : []
        case .paymentRequired(let details):
            return balance(details.currentBalance, "currentBalance") + cost(details.minimumTopUp, "minimumTopUp")
                + details.requirements.flatMap { cost($0.amountUSD, "amountUSD") } + text(details.code, "402 code")
                + text(details.message, "402 message")
                + (details.requirements.count > 16 ? ["\(details.requirements.count) x402 requirements"] : [])
        case .rateLimited(let seconds):
            return (seconds ?? 0) < 0 ? ["negative Retry-After \(seconds ?? 0)"] : []
        case .rejected(_, let code, let message):
            return text(code, "rejected code") + text(message, "rejected message")
        case .authentication(let message), .notFound(let message), .expired(let message), .unavailable(_, let message),
            .contentPolicy(_, let message):
            return text(message, "error message")
        case .unsupported, .missingCredential, .transport:
            return ["\(error) cannot come from a body"]
        }
    }

    /// The violations of one parser's outcome, value or error.
    static func outcome<T>(_ parse: () throws(ProviderError) -> T, _ check: (T) -> [String]) -> [String] {
        do {
            return check(try parse())
        } catch {
            return self.error(error)
        }
    }
}
