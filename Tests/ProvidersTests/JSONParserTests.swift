import Basics
import Money
import Testing

@testable import Providers

/// Money is read from the number's text, never through Double: the scanner keeps the token.
@Suite struct JSONParserTests {
    @Test(arguments: [
        ("0.35", Int64(350_000)),
        ("0.0850001", Int64(85_000)),
        ("0.0000005", Int64(1)),
        ("1e-5", Int64(10)),
        ("1.5E+1", Int64(15_000_000)),
        ("12345678.123456", Int64(12_345_678_123_456)),
    ])
    func moneyFromNumberText(token: String, micros: Int64) throws {
        let value = try JSONParser.parse(#"{"cost": \#(token)}"#)
        #expect(value["cost"] == .number(token))
        #expect(value["cost"]?.money(.usd) == Money(micros: micros, currency: .usd))
    }

    @Test func moneyFromStringAmount() throws {
        let value = try JSONParser.parse(#"{"usd_balance":"129.46956147","nano_balance":"26.71801147"}"#)
        #expect(value["usd_balance"]?.money(.usd) == Money(micros: 129_469_561, currency: .usd))
        #expect(value["nano_balance"]?.money(.xno) == Money(micros: 26_718_011, currency: .xno))
    }

    @Test func nonNumericMoneyIsNil() throws {
        let value = try JSONParser.parse(#"{"a":null,"b":true,"c":"abc","d":[1]}"#)
        for key in ["a", "b", "c", "d", "missing"] { #expect(value[key]?.money(.usd) == nil) }
    }

    @Test func structureAndEscapes() throws {
        let value = try JSONParser.parse(
            #" {"s":"a\"b\\c\n\u00e9\ud83d\ude00","arr":[1,-2.5,true,false,null,{}],"o":{"k":[]}} "#)
        #expect(value["s"]?.stringValue == "a\"b\\c\né😀")
        #expect(
            value["arr"] == .array([.number("1"), .number("-2.5"), .bool(true), .bool(false), .null, .object([:])]))
        #expect(value["o"]?["k"] == .array([]))
    }

    @Test(arguments: ["", "{", "{\"a\":}", "[1,]", "01x", "{\"a\":1}x", "\"unterminated", "{'a':1}", "1.", "-", "tru"])
    func rejectsInvalid(text: String) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsDeepNesting() {
        let deep =
            String(repeating: "[", count: JSONParser.depthMax + 1)
            + String(repeating: "]", count: JSONParser.depthMax + 1)
        #expect(throws: JSONParser.Failure.tooDeep) { try JSONParser.parse(deep) }
    }

    /// 300,000 escapes: linear, a fraction of a second even in debug; the parser that appended
    /// to a `String` per escape took minutes.
    @Test func manyEscapesParseInLinearTime() throws {
        let count = 300_000
        let text = "\"" + String(repeating: #"\n"#, count: count) + "\""
        let clock = ContinuousClock()
        let started = clock.now
        let value = try JSONParser.parse(text)
        #expect(clock.now - started < .seconds(5))
        #expect(value.stringValue == String(repeating: "\n", count: count))
    }

    @Test func invalidUTF8BecomesReplacementCharacters() throws {
        let bytes: [UInt8] = [0x22, 0xE2, 0x82, 0x5C, 0x75, 0x30, 0x30, 0x41, 0x43, 0xFF, 0x22]
        #expect(try JSONParser.parse(bytes).stringValue == "\u{FFFD}\u{AC}\u{FFFD}")
    }

    @Test func writerRoundTripsAndSortsKeys() throws {
        let value = JSONValue.object([
            "b": .string("x\"\n\u{01}"), "a": .number("0.35"), "c": .array([.bool(true), .null]),
        ])
        let text = JSONWriter.string(value)
        #expect(text == #"{"a":0.35,"b":"x\"\n\u0001","c":[true,null]}"#)
        #expect(try JSONParser.parse(text) == value)
    }
}
