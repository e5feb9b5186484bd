import Basics
import Foundation
import HTTPClient
import Money

/// Reads every 402 shape of docs/providers.md into `PaymentRequiredDetails`:
/// x402 v1 (`maxAmountRequired` in the body), x402 v2 (`amount`, in the body and/or the base64
/// `PAYMENT-REQUIRED` header), NanoGPT's `payment.accepted[]` object, Venice's wallet
/// "insufficient credit" body, and plain insufficient-balance errors. Its amounts are held to
/// `ResponseBounds` and left out when outside them: they describe an error already thrown.
enum PaymentRequiredParser {
    static func details(from response: HTTPResponse) -> PaymentRequiredDetails {
        let body = ResponseBody.optionalJSON(response)
        let header = response.header("payment-required").flatMap(decodeBase64JSON)
        let fields = ErrorFields(body)
        var details = PaymentRequiredDetails(code: fields.code ?? fields.type, message: fields.message)

        let x402Source = [body, header].compactMap { $0 }.first { $0["accepts"]?.arrayValue != nil }
        if let x402Source {
            details.x402Version = x402Source["x402Version"]?.int64Value.flatMap { Int(exactly: $0) }
            details.requirements = Array(
                (x402Source["accepts"]?.arrayValue ?? []).compactMap(requirement).prefix(requirementsMax))
        }
        if let payment = body?["payment"], let accepted = payment["accepted"]?.arrayValue {
            details.x402Version = details.x402Version ?? payment["version"]?.int64Value.flatMap { Int(exactly: $0) }
            let fromPayment = Array(accepted.compactMap(requirement).prefix(requirementsMax))
            if details.requirements.isEmpty { details.requirements = fromPayment }
        }
        if details.x402Version == nil, let version = header?["x402Version"]?.int64Value {
            details.x402Version = Int(exactly: version)
        }
        details.currentBalance = try? BoundedField.balance(body?["currentBalanceUsd"], .usd, field: "currentBalanceUsd")
        details.minimumTopUp = try? BoundedField.cost(body?["minimumTopUpUsd"], .usd, field: "minimumTopUpUsd")
        return details
    }

    /// Ways to pay kept from one 402: the documented bodies offer two or three.
    static let requirementsMax = 16
    /// Digits in an amount of base units: a uint256, the widest any chain uses, has 78.
    static let amountDigitsMax = 78

    private static func requirement(_ entry: JSONValue) -> X402Requirement? {
        guard let amount = (entry["amount"] ?? entry["maxAmountRequired"])?.decimalText,
            !amount.isEmpty, amount.utf8.count <= amountDigitsMax, amount.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        return X402Requirement(
            scheme: entry["scheme"]?.stringValue,
            network: entry["network"]?.stringValue,
            amountBaseUnits: amount,
            asset: entry["asset"]?.stringValue,
            payTo: entry["payTo"]?.stringValue,
            amountUSD: try? BoundedField.cost(entry["amountUsd"], .usd, field: "amountUsd")
        )
    }

    private static func decodeBase64JSON(_ text: String) -> JSONValue? {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)) else { return nil }
        return try? JSONParser.parse([UInt8](data))
    }
}
