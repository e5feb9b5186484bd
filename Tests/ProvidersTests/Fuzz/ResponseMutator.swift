import Basics
import Foundation
import HTTPClient

@testable import Providers

/// Turns a recorded response into one a broken, truncated or hostile provider might send: flipped
/// and invalid UTF-8 bytes, cut or repeated spans, extreme or wrongly typed values in place of
/// numbers and strings, deep nesting, huge strings, odd statuses and headers. One to four
/// mutations per case, every choice drawn from the caller's seeded generator.
enum ResponseMutator {
    static let statuses = [
        200, 201, 202, 204, 299, 300, 400, 401, 402, 403, 404, 408, 409, 410, 413, 422, 429, 500, 502, 503, 504,
    ]
    static let oddStatuses = [0, -1, 99, 600, 999, 1_000_000, Int.max, Int.min]
    static let contentTypes = [
        "video/mp4", "application/json", "", ";", "VIDEO/MP4; codecs=x", "text/html", "video/", " video/webm ",
    ]
    static let retryAfters = [
        "7", "0", "-1", "99999999999999999999", "9223372036854775807", "abc", "", " 5 ",
        "Wed, 21 Oct 2015 07:28:00 GMT",
    ]
    static let invalidUTF8: [[UInt8]] = [
        [0xFF], [0xC0, 0x80], [0x80], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x00],
    ]

    static func mutate(_ response: HTTPResponse, using random: inout SplitMix64) -> HTTPResponse {
        var mutated = response
        for _ in 0..<random.int(in: 1...4) {
            switch random.int(in: 0...13) {
            case 0: flipBit(&mutated.body, &random)
            case 1: truncate(&mutated.body, &random)
            case 2: deleteSpan(&mutated.body, &random)
            case 3: duplicateSpan(&mutated.body, &random)
            case 4, 5, 6: replaceNumber(&mutated.body, &random)
            case 7, 8: replaceString(&mutated.body, &random)
            case 9: nest(&mutated.body, &random)
            case 10: insert(random.element(of: invalidUTF8), into: &mutated.body, &random)
            case 11:
                mutated.status =
                    random.chance(percent: 80) ? random.element(of: statuses) : random.element(of: oddStatuses)
            default: mutateHeader(&mutated, &random)
            }
        }
        return mutated
    }

    private static func position(in body: [UInt8], _ random: inout SplitMix64) -> Int { random.int(in: 0...body.count) }

    private static func flipBit(_ body: inout [UInt8], _ random: inout SplitMix64) {
        guard !body.isEmpty else { return }
        body[random.int(in: 0...body.count - 1)] ^= UInt8(1) << UInt8(random.int(in: 0...7))
    }

    private static func truncate(_ body: inout [UInt8], _ random: inout SplitMix64) {
        body.removeSubrange(position(in: body, &random)...)
    }

    private static func span(in body: [UInt8], _ random: inout SplitMix64) -> Range<Int> {
        let start = position(in: body, &random)
        return start..<min(body.count, start + random.int(in: 0...32))
    }

    private static func deleteSpan(_ body: inout [UInt8], _ random: inout SplitMix64) {
        body.removeSubrange(span(in: body, &random))
    }

    private static func duplicateSpan(_ body: inout [UInt8], _ random: inout SplitMix64) {
        let copied = Array(body[span(in: body, &random)])
        insert(copied, into: &body, &random)
    }

    private static func insert(_ bytes: [UInt8], into body: inout [UInt8], _ random: inout SplitMix64) {
        body.insert(contentsOf: bytes, at: position(in: body, &random))
    }

    /// Swaps one number token (after `:`, `,` or `[`) for an extreme value.
    private static func replaceNumber(_ body: inout [UInt8], _ random: inout SplitMix64) {
        var tokens: [Range<Int>] = []
        var index = 0
        var previous: UInt8 = 0
        while index < body.count {
            let byte = body[index]
            if byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39),
                [UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "[")].contains(previous)
            {
                let start = index
                while index < body.count, "+-.eE0123456789".utf8.contains(body[index]) { index += 1 }
                tokens.append(start..<index)
                continue
            }
            if byte != 0x20 && byte != 0x0A { previous = byte }
            index += 1
        }
        guard !tokens.isEmpty else { return replaceString(&body, &random) }
        body.replaceSubrange(random.element(of: tokens), with: Array(random.element(of: ExtremeValues.texts).utf8))
    }

    /// Swaps one string literal (key or value) for an extreme value or a huge string.
    private static func replaceString(_ body: inout [UInt8], _ random: inout SplitMix64) {
        var quotes: [Int] = []
        for index in body.indices
        where body[index] == UInt8(ascii: "\"") && (index == 0 || body[index - 1] != UInt8(ascii: "\\")) {
            quotes.append(index)
        }
        guard quotes.count >= 2 else { return }
        let pair = random.int(in: 0...quotes.count / 2 - 1) * 2
        let literal = quotes[pair]...quotes[pair + 1]
        let replacement: [UInt8] =
            random.chance(percent: 10)
            ? Array(
                ("\""
                    + String(
                        repeating: random.element(of: ["a", "é", "9", "\\n"]), count: random.int(in: 400...20_000))
                    + "\"").utf8)
            : Array(random.element(of: ExtremeValues.texts).utf8)
        body.replaceSubrange(literal, with: replacement)
    }

    /// Wraps the body, or puts a value, inside nesting around the parser's depth limit or far past it.
    private static func nest(_ body: inout [UInt8], _ random: inout SplitMix64) {
        let depth = random.element(of: [
            JSONParser.depthMax - 2, JSONParser.depthMax - 1, JSONParser.depthMax, JSONParser.depthMax + 1, 200, 10_000,
        ])
        let (open, close) = random.chance(percent: 50) ? ("[", "]") : (#"{"a":"#, "}")
        let closes = random.chance(percent: 80) ? depth : random.int(in: 0...depth)
        let nested = Array((String(repeating: open, count: depth) + "1" + String(repeating: close, count: closes)).utf8)
        if random.chance(percent: 50) {
            body = Array(nested.prefix(depth * open.utf8.count)) + body + Array(nested.suffix(closes))
        } else {
            insert(nested, into: &body, &random)
        }
    }

    private static func mutateHeader(_ response: inout HTTPResponse, _ random: inout SplitMix64) {
        let header: HTTPHeader
        switch random.int(in: 0...3) {
        case 0: header = HTTPHeader("Content-Type", random.element(of: contentTypes))
        case 1: header = HTTPHeader("Retry-After", random.element(of: retryAfters))
        case 2:
            header = HTTPHeader(
                "X-Balance-Remaining", random.element(of: ExtremeValues.texts).replacingOccurrences(of: "\"", with: ""))
        default:
            var body = response.body
            replaceNumber(&body, &random)
            let value = random.chance(percent: 80) ? Data(body).base64EncodedString() : "!!not base64"
            header = HTTPHeader("PAYMENT-REQUIRED", value)
        }
        if random.chance(percent: 70) {
            response.headers.removeAll { $0.name.lowercased() == header.name.lowercased() }
        }
        response.headers.insert(header, at: random.int(in: 0...response.headers.count))
    }
}
