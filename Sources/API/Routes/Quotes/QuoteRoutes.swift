import Basics
import Foundation
import Hummingbird
import Jobs
import Pricing

/// `POST /v1/quotes` and `GET /v1/quotes/cheapest`: in memory, no SQL, no network. Both rank by
/// `rank` (price, the default, or expected cost per successful clip, from the scorecard in force).
struct QuoteRoutes: Sendable {
    let catalog: PriceCatalog
    let cheapestAnswers: CheapestAnswerCache
    let scorecards: ScorecardBoard

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/quotes") { request, context in
            let body = try await JSONBody.decode(QuoteBody.self, from: request, context: context)
            try body.checkForms()
            let ranking = try body.ranking()
            let request = try catalog.request(for: body.input)
            return try JSONResponse.make(
                catalog.rankedQuote(
                    request, rank: ranking.rank, book: scorecards.book, constraints: ranking.constraints))
        }
        router.get("/v1/quotes/cheapest") { request, _ in
            // One day for both the key and the pricing, so an answer never lands under the wrong day.
            let today = CalendarDay.today()
            // One book for the key and the ranking, so an answer never lands under another scorecard.
            let book = scorecards.book
            let key = CheapestAnswerCache.key(query: request.uri.query ?? "", day: today, generation: book.generation)
            if let key, let body = cheapestAnswers.answer(for: key) { return JSONResponse.make(body: body) }
            let body = try cheapest(query: request.uri.queryParameters, today: today, book: book)
            if let key { cheapestAnswers.store(body, for: key) }
            return JSONResponse.make(body: body)
        }
    }

    /// The cheapest offer's JSON, or the reasons no provider offers the video.
    private func cheapest(query: Parameters, today: CalendarDay, book: ExpectedCostBook) throws -> ByteBuffer {
        let input = try QuoteBody.input(query: query)
        let ranking = try RankingInput.parse(query: query)
        let result = catalog.rankedQuote(
            try catalog.request(for: input, today: today), rank: ranking.rank, book: book,
            constraints: ranking.constraints)
        guard let best = result.best else {
            throw APIError.unprocessable(
                "no_offer",
                "no provider offers this video: "
                    + result.passedOver.prefix(5).map { "\($0.provider): \($0.reason)" }
                    .joined(separator: "; "))
        }
        return try JSONResponse.body(RankedQuote.Cheapest(quote: result, best: best))
    }
}

/// The video spec a caller sends to quote or submit. `duration` is "5s", "5", 5 or "auto".
struct QuoteBody: Decodable, Sendable {
    var family: String?
    var model: String?
    var provider: String?
    var quality: String?
    var duration: FlexibleDuration?
    var resolution: String?
    var aspectRatio: String?
    var audio: Bool?
    var n: Int?
    var mode: String?
    var pricedOn: String?
    var rank: String?
    var maxP95Seconds: Int?
    var minSuccessRate: FlexibleRate?

    /// How to rank (400 for a value out of its form).
    func ranking() throws -> RankingInput {
        try RankingInput.make(rank: rank, maxP95Seconds: maxP95Seconds.map(String.init), minSuccessRate: minSuccessRate)
    }

    /// The fields' forms as the OpenAPI document states them (400 otherwise).
    func checkForms() throws {
        try InputRules.checkSpec(
            family: family, model: model, provider: provider, quality: quality, duration: duration?.text,
            resolution: resolution,
            aspectRatio: aspectRatio, mode: mode, pricedOn: pricedOn)
    }

    var input: QuoteInput {
        QuoteInput(
            family: family, model: model, provider: provider, quality: quality,
            duration: duration?.input ?? .auto, resolution: resolution, aspectRatio: aspectRatio,
            audio: audio ?? false, variants: n ?? 1, mode: mode, pricedOn: pricedOn)
    }

    /// The same spec from query parameters (`GET /v1/quotes/cheapest`).
    static func input(query: Parameters) throws -> QuoteInput {
        func string(_ name: String) -> String? { query[Substring(name)].map(String.init) }
        try InputRules.checkSpec(
            family: string("family"), model: string("model"), provider: string("provider"), quality: string("quality"),
            duration: string("duration"), resolution: string("resolution"), aspectRatio: string("aspect_ratio"),
            mode: string("mode"),
            pricedOn: string("priced_on"))
        var audio = false
        if let text = string("audio") {
            switch text {
            case "true", "1", "yes": audio = true
            case "false", "0", "no": audio = false
            default: throw APIError.badRequest("invalid_audio", "audio must be true or false")
            }
        }
        var variants = 1
        if let text = string("n") {
            guard let value = Int(text) else {
                throw APIError.badRequest("invalid_n", "n must be an integer from 1 to 16")
            }
            variants = value
        }
        return QuoteInput(
            family: string("family"), model: string("model"), provider: string("provider"),
            quality: string("quality"), duration: string("duration").map(DurationInput.text) ?? .auto,
            resolution: string("resolution"), aspectRatio: string("aspect_ratio"), audio: audio,
            variants: variants, mode: string("mode"), pricedOn: string("priced_on"))
    }
}

/// A duration given as a JSON string ("8s", "auto") or integer (8).
struct FlexibleDuration: Decodable, Sendable {
    let input: DurationInput

    /// The text form, for checking against the document's pattern; nil for a JSON integer.
    var text: String? {
        if case .text(let text) = input { return text }
        return nil
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Int.self) {
            input = .seconds(seconds)
        } else if let text = try? container.decode(String.self) {
            input = .text(text)
        } else {
            throw DecodingError.typeMismatch(
                String.self,
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "duration must be like \"5s\", 5 or \"auto\""))
        }
    }
}
