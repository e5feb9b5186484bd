import ProviderRegistry
import Testing

@testable import Pricing

/// One submit request per model family and provider, from a quote to the bytes the adapter
/// sends: each provider's own field names and enum spellings (Venice `768P`, AIGate `4K`,
/// durations as `"8s"`, `"8"` or `8` and NanoGPT's `"7s"` for Veo 2 and `seconds` for Sora,
/// the gateway's `size`).
struct RequestSpellingTests {
    struct Fixture: CustomTestStringConvertible, Sendable {
        let family: String
        let provider: ProviderID
        let resolution: String
        var aspectRatio: String?
        var audio = false
        var variants = 1
        var duration: DurationInput = .auto
        var day = "2026-10-01"
        /// JSON as sent (keys sorted), or the gateway's multipart fields as `name=value&…`.
        let body: String

        var testDescription: String { "\(family) at \(provider.rawValue)" }
    }

    static let fixtures: [Fixture] = [
        // Veo 3.1 standard at AIMO, the gateway (both routes) and Venice.
        Fixture(
            family: "veo-3.1", provider: .aimo, resolution: "4k", aspectRatio: "9:16", audio: true, variants: 2,
            body:
                #"{"aspect_ratio":"9:16","duration":"8s","generate_audio":true,"model":"veo-3.1","n":2,"prompt":"a lighthouse at dusk","resolution":"4k"}"#
        ),
        Fixture(
            family: "veo-3.1", provider: .openAIVideos, resolution: "1080p", aspectRatio: "9:16", duration: 6,
            body: "model=veo3.1&prompt=a lighthouse at dusk&seconds=6&duration=6&size=1080x1920"),
        Fixture(
            family: "veo-3.1", provider: .openAIVideos, resolution: "4k", aspectRatio: "16:9", variants: 2,
            body: "model=veo3.1-4k&prompt=a lighthouse at dusk&seconds=8&duration=8&size=3840x2160&n=2"),
        Fixture(
            family: "veo-3.1", provider: .venice, resolution: "4k", aspectRatio: "16:9",
            body:
                #"{"aspect_ratio":"16:9","audio":false,"duration":"8s","model":"veo3.1-full-text-to-video","prompt":"a lighthouse at dusk","resolution":"4k"}"#
        ),
        // Veo 3.1 Fast, Lite, Veo 2.
        Fixture(
            family: "veo-3.1-fast", provider: .aimo, resolution: "720p", duration: "5s",
            body:
                #"{"duration":"6s","generate_audio":false,"model":"veo-3.1-fast","prompt":"a lighthouse at dusk","resolution":"720p"}"#
        ),
        Fixture(
            family: "veo-3.1-fast", provider: .openAIVideos, resolution: "720p", aspectRatio: "16:9", audio: true,
            duration: 4,
            body: "model=veo3.1-fast&prompt=a lighthouse at dusk&seconds=4&duration=4&size=1280x720"),
        Fixture(
            family: "veo-3.1-fast", provider: .venice, resolution: "1080p", aspectRatio: "9:16",
            body:
                #"{"aspect_ratio":"9:16","audio":false,"duration":"8s","model":"veo3.1-fast-text-to-video","prompt":"a lighthouse at dusk","resolution":"1080p"}"#
        ),
        Fixture(
            family: "veo-3.1-lite", provider: .aimo, resolution: "1080p", aspectRatio: "16:9", audio: true,
            body:
                #"{"aspect_ratio":"16:9","duration":"8s","generate_audio":true,"model":"veo-3.1-lite","prompt":"a lighthouse at dusk","resolution":"1080p"}"#
        ),
        Fixture(
            family: "veo-2", provider: .nanoGPT, resolution: "720p", aspectRatio: "9:16", duration: 7,
            body:
                #"{"aspect_ratio":"9:16","duration":"7s","generateAudio":false,"mode":"text-to-video","model":"veo2-video","prompt":"a lighthouse at dusk","resolution":"720p"}"#
        ),
        // Kling.
        Fixture(
            family: "kling-v3-pro", provider: .aigate, resolution: "720p", aspectRatio: "1:1", audio: true, variants: 2,
            duration: 10,
            body:
                #"{"aspect_ratio":"1:1","audio":true,"duration":10,"model":"klingai/kling-v3.0-t2v","n":2,"prompt":"a lighthouse at dusk","quality":"pro","resolution":"720p"}"#
        ),
        Fixture(
            family: "kling-v3-std", provider: .aigate, resolution: "720p",
            body:
                #"{"audio":false,"duration":5,"model":"klingai/kling-v3.0-t2v","n":1,"prompt":"a lighthouse at dusk","quality":"std","resolution":"720p"}"#
        ),
        Fixture(
            family: "kling-v4", provider: .venice, resolution: "720p", audio: true, duration: 10,
            body:
                #"{"audio":true,"duration":"10s","model":"kling-v4-text-to-video","prompt":"a lighthouse at dusk","resolution":"720p"}"#
        ),
        Fixture(
            family: "kling-2.6-pro", provider: .venice, resolution: "1080p", aspectRatio: "16:9",
            body:
                #"{"aspect_ratio":"16:9","audio":false,"duration":"5s","model":"kling-2.6-pro-text-to-video","prompt":"a lighthouse at dusk","resolution":"1080p"}"#
        ),
        Fixture(
            family: "kling-2.5-turbo-pro", provider: .aimo, resolution: "1080p", aspectRatio: "16:9", variants: 3,
            duration: 10,
            body:
                #"{"aspect_ratio":"16:9","duration":"10s","generate_audio":false,"model":"kling-v2","n":3,"prompt":"a lighthouse at dusk","resolution":"1080p"}"#
        ),
        // Wan, Seedance, Vidu, MiniMax (Venice's own 768P).
        Fixture(
            family: "wan-2.5", provider: .venice, resolution: "480p",
            body:
                #"{"audio":false,"duration":"5s","model":"wan-2.5-preview-text-to-video","prompt":"a lighthouse at dusk","resolution":"480p"}"#
        ),
        Fixture(
            family: "wan-2.6", provider: .venice, resolution: "1080p", duration: 15,
            body:
                #"{"audio":false,"duration":"15s","model":"wan-2.6-text-to-video","prompt":"a lighthouse at dusk","resolution":"1080p"}"#
        ),
        Fixture(
            family: "wan-2.7", provider: .venice, resolution: "720p", aspectRatio: "21:9", duration: 2,
            body:
                #"{"aspect_ratio":"21:9","audio":false,"duration":"2s","model":"wan-2-7-text-to-video","prompt":"a lighthouse at dusk","resolution":"720p"}"#
        ),
        Fixture(
            family: "seedance-2.0", provider: .venice, resolution: "4K", duration: 15,
            body:
                #"{"audio":false,"duration":"15s","model":"seedance-2-0-text-to-video-basic","prompt":"a lighthouse at dusk","resolution":"4k"}"#
        ),
        Fixture(
            family: "seedance-2.0-fast", provider: .venice, resolution: "480p", aspectRatio: "3:4",
            body:
                #"{"aspect_ratio":"3:4","audio":false,"duration":"5s","model":"seedance-2-0-fast-text-to-video-basic","prompt":"a lighthouse at dusk","resolution":"480p"}"#
        ),
        Fixture(
            family: "seedance-1.5-pro", provider: .venice, resolution: "720p", duration: 12,
            body:
                #"{"audio":false,"duration":"12s","model":"seedance-1-5-pro-text-to-video-basic","prompt":"a lighthouse at dusk","resolution":"720p"}"#
        ),
        Fixture(
            family: "vidu-q3", provider: .venice, resolution: "540p", duration: 16,
            body:
                #"{"audio":false,"duration":"16s","model":"vidu-q3-text-to-video","prompt":"a lighthouse at dusk","resolution":"540p"}"#
        ),
        Fixture(
            family: "minimax-h3-hyper", provider: .venice, resolution: "768p", audio: true, duration: 10,
            body:
                #"{"audio":true,"duration":"10s","model":"minimax-h3-hyper-text-to-video","prompt":"a lighthouse at dusk","resolution":"768P"}"#
        ),
        // Grok Imagine at three providers.
        Fixture(
            family: "grok-imagine", provider: .openAIVideos, resolution: "480p", aspectRatio: "1:1", duration: 10,
            body: "model=grok-imagine-1.0-video&prompt=a lighthouse at dusk&seconds=10&duration=10&size=480x480"),
        Fixture(
            family: "grok-imagine", provider: .venice, resolution: "720p", aspectRatio: "9:16",
            body:
                #"{"aspect_ratio":"9:16","audio":false,"duration":"6s","model":"grok-imagine-text-to-video-private","prompt":"a lighthouse at dusk","resolution":"720p"}"#
        ),
        Fixture(
            family: "grok-imagine", provider: .nanoGPT, resolution: "480p", duration: 15,
            body:
                #"{"duration":"15","generateAudio":false,"mode":"text-to-video","model":"grok-imagine-video","prompt":"a lighthouse at dusk","resolution":"480p"}"#
        ),
        // Sora, before its shutdown: Sora's sizes, including the 1792x1024 class.
        Fixture(
            family: "sora-2", provider: .openAIVideos, resolution: "720p", aspectRatio: "9:16", duration: 12,
            day: "2026-09-01",
            body: "model=sora-2&prompt=a lighthouse at dusk&seconds=12&duration=12&size=720x1280"),
        Fixture(
            family: "sora-2", provider: .nanoGPT, resolution: "720p", aspectRatio: "16:9", duration: 8,
            day: "2026-09-01",
            body:
                #"{"aspect_ratio":"16:9","duration":"8","generateAudio":false,"mode":"text-to-video","model":"sora-2","prompt":"a lighthouse at dusk","resolution":"720p","seconds":"8"}"#
        ),
        Fixture(
            family: "sora-2-pro", provider: .openAIVideos, resolution: "1024p", aspectRatio: "9:16", duration: 20,
            day: "2026-09-01",
            body: "model=sora-2-pro&prompt=a lighthouse at dusk&seconds=20&duration=20&size=1024x1792"),
    ]

    @Test(arguments: fixtures)
    func theAdapterSendsTheProvidersOwnSpelling(_ fixture: Fixture) throws {
        let input = QuoteInput(
            family: fixture.family, provider: fixture.provider.rawValue, duration: fixture.duration,
            resolution: fixture.resolution, aspectRatio: fixture.aspectRatio, audio: fixture.audio,
            variants: fixture.variants, pricedOn: fixture.day)
        let request = try SeedBooks.catalog.request(for: input)
        let offer = try #require(
            SeedBooks.catalog.quote(request).offers.first,
            "not offered: \(SeedBooks.catalog.quote(request).rejections)")
        let submit = try #require(
            WireRequests.submits(
                fixture.provider,
                WireRequests.spec(
                    for: offer, aspectRatio: request.aspectRatio,
                    variants: fixture.variants)
            ).first)
        #expect(WireRequests.text(submit) == fixture.body)
    }

    @Test func everyFamilyAndProviderHasAFixture() {
        let covered = Set(Self.fixtures.map { "\($0.family) \($0.provider.rawValue)" })
        let members = Set(
            SeedBooks.catalog.families.flatMap { family in
                family.modelIndices.map { "\(family.id) \(SeedBooks.catalog.models[$0].provider.rawValue)" }
            })
        #expect(covered == members)
    }
}
