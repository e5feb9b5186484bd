import HTTPClient
import Money
import Testing

@testable import Providers

/// The `/v1/videos` gateway against the gateway's create answer and the OpenAI `Video` object
/// (docs/providers.md), with new-api's millisecond timestamps.
@Suite struct OpenAIVideosAdapterTests {
    static let base = endpoint("https://api.aiid.edu.kg")
    let contentURL = "https://api.aiid.edu.kg/v1/videos/video_abc123/content"

    @Test func multipartCreateCarriesSecondsDurationAndSize() throws {
        let requests = OpenAIVideosRequests(endpoint: Self.base, apiKey: Secret("sk-xxxxxx"))
        let request = requests.submit(
            ProviderJobSpec(
                model: "sora-2", prompt: "a cat", durationSeconds: 8, resolution: "720p", aspectRatio: "9:16"))
        #expect(request.url == "https://api.aiid.edu.kg/v1/videos")
        #expect(request.headers.contains(HTTPHeader("Authorization", "Bearer sk-xxxxxx")))
        let contentType = try #require(request.headers.first { $0.name == "Content-Type" }?.value)
        #expect(contentType == "multipart/form-data; boundary=videoledger-form-boundary")
        let body = String(decoding: request.body ?? [], as: UTF8.self)
        for (name, value) in [
            ("model", "sora-2"), ("prompt", "a cat"), ("seconds", "8"), ("duration", "8"), ("size", "720x1280"),
        ] {
            #expect(body.contains("Content-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"))
        }
        #expect(body.hasSuffix("--videoledger-form-boundary--\r\n"))
    }

    @Test(arguments: [
        ("480p", "16:9", "854x480"), ("720p", "9:16", "720x1280"), ("1080p", "1:1", "1080x1080"),
        ("1024p", "16:9", "1792x1024"), ("1024p", "9:16", "1024x1792"), ("4k", "16:9", "3840x2160"),
        ("4k", "9:16", "2160x3840"),
    ])
    func sizeCarriesResolutionAndAspectRatio(_ resolution: String, _ ratio: String, _ size: String) {
        #expect(OpenAIVideoSize.size(resolution: resolution, aspectRatio: ratio) == size)
    }

    @Test func noSizeIsSentForAFrameTheGatewayCannotBeAskedFor() {
        // Left out, the gateway renders its default: the price books list only the sizes sent.
        #expect(OpenAIVideoSize.size(resolution: "720p", aspectRatio: "4:3") == nil)
        #expect(OpenAIVideoSize.size(resolution: "1024p", aspectRatio: "1:1") == nil)
        #expect(OpenAIVideoSize.size(resolution: "4k", aspectRatio: "1:1") == nil)
        #expect(OpenAIVideoSize.size(resolution: "768p", aspectRatio: "16:9") == nil)
        #expect(OpenAIVideoSize.size(resolution: nil, aspectRatio: "16:9") == nil)
    }

    @Test func boundaryAvoidsFieldContent() {
        var form = MultipartForm()
        form.append("prompt", "tricky --videoledger-form-boundary text")
        #expect(form.boundary == "videoledger-form-boundary-x")
    }

    @Test func jsonCreate() throws {
        let requests = OpenAIVideosRequests(endpoint: Self.base, apiKey: Secret("k"), encoding: .json)
        let request = requests.submit(
            ProviderJobSpec(model: "veo3", prompt: "p", durationSeconds: 4, count: 2, imageURL: "https://i/x.png"))
        #expect(
            jsonBody(request)
                == .object([
                    "model": .string("veo3"), "prompt": .string("p"), "seconds": .string("4"), "duration": .number("4"),
                    "n": .number("2"),
                    "input_reference": .string("https://i/x.png"),
                ]))
    }

    @Test func createResponseFromTheSeed() throws {
        #expect(
            try OpenAIVideosResponses.submission(recorded(200, OpenAIVideosFixtures.create)).providerJobID
                == "video_abc123")
    }

    @Test func completedWithMillisecondTimestampsAndBilledSeconds() throws {
        let status = try OpenAIVideosResponses.status(
            recorded(200, OpenAIVideosFixtures.completedMilliseconds), providerJobID: "video_abc123",
            contentURL: contentURL)
        #expect(status.state == .completed)
        #expect(status.billedSeconds == 12)
        #expect(status.expiresAtUnixMilliseconds == 1_764_350_690_922)
        #expect(status.resultURLs == [contentURL])
        #expect(status.reportedCost == nil)
    }

    @Test func secondTimestampsAreScaled() throws {
        let status = try OpenAIVideosResponses.status(
            recorded(200, OpenAIVideosFixtures.completedSeconds), providerJobID: "v", contentURL: contentURL)
        #expect(status.expiresAtUnixMilliseconds == 1_764_350_690_000)
    }

    @Test func gatewayExtrasAreRead() throws {
        let status = try OpenAIVideosResponses.status(
            recorded(200, OpenAIVideosFixtures.gatewayExtras), providerJobID: "v", contentURL: contentURL)
        #expect(status.resultURLs == ["https://cdn/v.mp4"])
        #expect(status.reportedCost == Money(micros: 85_000, currency: .usd))
    }

    @Test func inProgressAndFailed() throws {
        let running = try OpenAIVideosResponses.status(
            recorded(200, OpenAIVideosFixtures.inProgress), providerJobID: "v", contentURL: contentURL)
        #expect(
            running.state == .running && running.progressPercent == 42 && running.billedSeconds == nil
                && running.resultURLs.isEmpty)
        let failed = try OpenAIVideosResponses.status(
            recorded(200, OpenAIVideosFixtures.failed), providerJobID: "v", contentURL: contentURL)
        #expect(failed.state == .failed && failed.failureReason == "blocked")
    }

    @Test func documentationNoiseIsNotAStatus() {
        #expect(
            providerError {
                try OpenAIVideosResponses.status(
                    recorded(200, #"{"id":"v","status":"video_url"}"#), providerJobID: "v", contentURL: contentURL)
            } == .malformedResponse(reason: "/v1/videos retrieve: unknown status 'video_url'"))
    }

    @Test func idsArePercentEncodedInThePath() {
        let requests = OpenAIVideosRequests(endpoint: Self.base, apiKey: Secret("k"))
        #expect(
            requests.retrieve(providerJobID: "../admin?x=1").url
                == "https://api.aiid.edu.kg/v1/videos/..%2Fadmin%3Fx%3D1")
    }
}
