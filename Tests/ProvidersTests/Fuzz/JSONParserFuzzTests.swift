import Basics
import HTTPClient
import Money
import Testing

@testable import Providers

/// The JSON parser against seeded mutations of every recorded body: it answers a value or a
/// `Failure`, never a trap; a value nests no deeper than `depthMax`, survives a write and a
/// re-parse unchanged, and every number in it reads as money or as nothing.
@Suite struct JSONParserFuzzTests {
    static let cases = 4_000

    static var corpus: [HTTPResponse] {
        AIMOFixtures.responses + OpenAIVideosFixtures.responses + VeniceFixtures.responses + NanoGPTFixtures.responses
            + AIGateFixtures.responses
            + [
                recorded(
                    200,
                    #"{"s":"a\"b\\c\n\u00e9\ud83d\ude00\ud800x","arr":[1,-2.5e-3,true,false,null,{}],"o":{"k":[]}}"#)
            ]
    }

    @Test func parsesOrFailsAndRoundTrips() {
        Fuzz.run("JSONParser", seed: 0x150_0000, cases: Self.cases, corpus: Self.corpus) { response in
            let value: JSONValue
            do throws(JSONParser.Failure) {
                value = try JSONParser.parse(response.body)
            } catch .invalid(let offset, _) {
                return (0...response.body.count).contains(offset) ? [] : ["failure offset \(offset) outside the body"]
            } catch {
                return []
            }
            var violations: [String] = []
            if Self.depth(value) > JSONParser.depthMax { violations.append("value nested \(Self.depth(value)) deep") }
            let written = JSONWriter.bytes(value)
            if (try? JSONParser.parse(written)) != value {
                violations.append("did not round-trip: \(Fuzz.preview(written))")
            }
            Self.visitNumbers(value) { text in
                if let money = JSONValue.number(text).money(.usd), money.micros < 0, !text.hasPrefix("-") {
                    violations.append("\(text) read as negative money")
                }
            }
            return violations
        }
    }

    /// Containers along the deepest path.
    static func depth(_ value: JSONValue) -> Int {
        switch value {
        case .array(let elements): return 1 + (elements.map(depth).max() ?? 0)
        case .object(let members): return 1 + (members.values.map(depth).max() ?? 0)
        default: return 0
        }
    }

    static func visitNumbers(_ value: JSONValue, _ visit: (String) -> Void) {
        switch value {
        case .number(let text), .string(let text): visit(text)
        case .array(let elements):
            for element in elements { visitNumbers(element, visit) }
        case .object(let members):
            for member in members.values { visitNumbers(member, visit) }
        default: return
        }
    }
}
