import Money
import Testing

@Suite struct DecimalAmountTests {
    @Test(arguments: [
        ("0.8", Int64(800_000)), ("0.800000", 800_000), ("12", 12_000_000), ("-1.5", -1_500_000),
        ("0.000001", 1), ("0", 0), ("9223372036854.775807", Int64.max),
    ])
    func parsesExactDecimals(text: String, micros: Int64) throws {
        #expect(try DecimalAmount.micros(from: text) == micros)
    }

    @Test(arguments: [
        "", ".", "1.", ".5", "1e5", "1e0", "1E0", "1.5e0", "+5", "+3.25", "1,5", "abc", "1.2.3", " 1", "--1", "0x10",
    ])
    func rejectsMalformedText(text: String) {
        #expect(throws: MoneyError.self) { try DecimalAmount.micros(from: text) }
    }

    @Test func errorMessagesEchoAtMost32Characters() {
        let long = String(repeating: "9", count: 10_000) + "x"
        let message = MoneyError.notADecimal(long).description
        #expect(message.count < 120)
        #expect(message.contains(String(repeating: "9", count: 32) + "…"))
        #expect(MoneyError.notADecimal("1\u{07}2").description.contains("'1?2'"))
    }

    @Test func refusesSubMicroDigitsInExactMode() {
        #expect(throws: MoneyError.tooManyFractionDigits("0.0000001")) { try DecimalAmount.micros(from: "0.0000001") }
    }

    @Test func refusesAmountsBeyondInt64() {
        #expect(throws: MoneyError.overflow) { try DecimalAmount.micros(from: "9223372036854.775808") }
        #expect(throws: MoneyError.overflow) { try DecimalAmount.micros(from: "99999999999999999999") }
    }

    @Test(arguments: [
        ("0.0850001", Int64(85_000)), ("0.0000005", 1), ("0.0000004", 0), ("-0.0000005", -1),
        ("1.2e-5", 12), ("1e-7", 0), ("5e-7", 1), ("0.35", 350_000), ("129.46956147", 129_469_561),
        ("2.5E+2", 250_000_000), ("0.1234565", 123_457),
    ])
    func roundsProviderNumbersHalfUpOnce(text: String, micros: Int64) throws {
        #expect(try DecimalAmount.micros(from: text, precision: .roundHalfUp) == micros)
    }

    @Test(arguments: [
        (Int64(800_000), "0.800000"), (0, "0.000000"), (-1, "-0.000001"), (12_345_678, "12.345678"),
        (Int64.min, "-9223372036854.775808"),
    ])
    func formatsSixDecimals(micros: Int64, text: String) {
        #expect(DecimalAmount.string(fromMicros: micros) == text)
    }

    @Test func formattingRoundTrips() throws {
        for micros: Int64 in [1, 999_999, 1_000_000, 123_456_789_012, -42] {
            #expect(try DecimalAmount.micros(from: DecimalAmount.string(fromMicros: micros)) == micros)
        }
    }
}

@Suite struct MoneyArithmeticTests {
    @Test func addsAndSubtractsExactly() throws {
        let a = Money(micros: 100_000, currency: .usd)
        let b = Money(micros: 200_000, currency: .usd)
        #expect(try a.adding(b).micros == 300_000)
        #expect(try a.subtracting(b).micros == -100_000)
        #expect(
            try Money(decimal: "0.1", currency: .usd).adding(Money(decimal: "0.2", currency: .usd))
                == Money(decimal: "0.3", currency: .usd))
    }

    @Test func refusesOverflow() {
        let max = Money(micros: .max, currency: .usd)
        #expect(throws: MoneyError.overflow) { try max.adding(Money(micros: 1, currency: .usd)) }
        #expect(throws: MoneyError.overflow) {
            try Money(micros: .min, currency: .usd).subtracting(Money(micros: 1, currency: .usd))
        }
        #expect(throws: MoneyError.overflow) { try max.multiplied(by: 2) }
    }

    @Test func refusesMixingCurrencies() {
        #expect(throws: MoneyError.currencyMismatch(.usd, .xno)) {
            try Money(micros: 1, currency: .usd).adding(Money(micros: 1, currency: .xno))
        }
    }

    @Test func multipliesByVariants() throws {
        #expect(try Money(decimal: "0.8", currency: .usd).multiplied(by: 3).decimalString == "2.400000")
    }

    @Test func parsesCurrencyCodes() {
        #expect(Currency(code: "usd") == .usd)
        #expect(Currency(code: "USDC") == .usdc)
        #expect(Currency(code: "EUR") == nil)
    }
}

@Suite struct RoundingTests {
    @Test(arguments: [
        (Int128(15), Int128(10), Int64(2)), (14, 10, 1), (-15, 10, -2), (-14, 10, -1), (5, 10, 1), (4, 10, 0),
        (1, 3, 0), (2, 3, 1), (0, 7, 0),
    ])
    func roundsHalfAwayFromZero(numerator: Int128, denominator: Int128, expected: Int64) throws {
        #expect(try Rounding.halfUp(numerator, dividedBy: denominator) == expected)
    }

    @Test func refusesResultsBeyondInt64() {
        #expect(throws: MoneyError.overflow) { try Rounding.halfUp(Int128(Int64.max) * 4, dividedBy: 2) }
    }
}
