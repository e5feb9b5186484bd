import Testing

@testable import Providers

@Suite struct TimestampAndEndpointTests {
    @Test func secondsAndMillisecondsNormalize() {
        #expect(UnixTimestamp.milliseconds(fromSecondsOrMilliseconds: 1_764_347_090) == 1_764_347_090_000)
        #expect(UnixTimestamp.milliseconds(fromSecondsOrMilliseconds: 1_764_347_090_922) == 1_764_347_090_922)
        #expect(UnixTimestamp.milliseconds(fromSecondsOrMilliseconds: 0) == nil)
        #expect(UnixTimestamp.milliseconds(fromSecondsOrMilliseconds: -5) == nil)
    }

    @Test func relativeURLsResolveAgainstTheOrigin() {
        let nano = endpoint("https://nano-gpt.com/")
        #expect(nano.baseURL == "https://nano-gpt.com")
        #expect(
            nano.resolve("/api/generate-video/content?model=grok-imagine-video&runId=vid_1&variant=video")
                == "https://nano-gpt.com/api/generate-video/content?model=grok-imagine-video&runId=vid_1&variant=video")
        #expect(nano.resolve("https://cdn.example.com/v.mp4") == "https://cdn.example.com/v.mp4")
        #expect(nano.resolve("//evil.example.com/x") == "//evil.example.com/x")
    }

    @Test func sameOriginDecidesWhereKeysMayGo() {
        let nano = endpoint("https://nano-gpt.com")
        #expect(nano.isSameOrigin("https://nano-gpt.com/api/generate-video/content?x=1"))
        #expect(nano.isSameOrigin("https://NANO-GPT.com:443/a"))
        #expect(!nano.isSameOrigin("https://storage.example.com/video.mp4"))
        #expect(!nano.isSameOrigin("http://nano-gpt.com/a"))
        #expect(!nano.isSameOrigin("https://nano-gpt.com.evil.com/a"))
        #expect(endpoint("http://127.0.0.1:18083").isSameOrigin("http://127.0.0.1:18083/api/x"))
    }

    @Test func environmentOverridesBaseURLs() throws {
        let endpoints = try ProviderEndpoints.fromEnvironment(
            ["VIDEOLEDGER_OPENAI_VIDEOS_BASE_URL": "http://127.0.0.1:18081"], for: [.openAIVideos, .venice])
        #expect(endpoints[.openAIVideos]?.baseURL == "http://127.0.0.1:18081")
        #expect(endpoints[.venice]?.baseURL == "https://api.venice.ai/api/v1")
        #expect(endpoints[.aigate] == nil, "only providers with credentials get an endpoint")
        #expect(throws: ProviderEndpoints.ConfigurationError.invalid(variable: "VIDEOLEDGER_AIGATE_BASE_URL")) {
            try ProviderEndpoints.fromEnvironment(["VIDEOLEDGER_AIGATE_BASE_URL": "ftp://x"], for: [.aigate])
        }
    }

    /// A key goes only where the operator named: the gateway has no default host, and plain http
    /// is refused for every provider except on loopback. The error names the variable.
    @Test func credentialsGoOnlyToNamedHttpsHosts() throws {
        #expect(throws: ProviderEndpoints.ConfigurationError.missing(variable: "VIDEOLEDGER_OPENAI_VIDEOS_BASE_URL")) {
            try ProviderEndpoints.fromEnvironment([:], for: [.openAIVideos])
        }
        #expect(throws: ProviderEndpoints.ConfigurationError.insecure(variable: "VIDEOLEDGER_VENICE_BASE_URL")) {
            try ProviderEndpoints.fromEnvironment(
                ["VIDEOLEDGER_VENICE_BASE_URL": "http://venice.example.com/api/v1"], for: [.venice])
        }
        for loopback in ["http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000"] {
            let endpoints = try ProviderEndpoints.fromEnvironment(
                ["VIDEOLEDGER_NANOGPT_BASE_URL": loopback], for: [.nanoGPT])
            #expect(endpoints[.nanoGPT]?.isLoopback == true, "\(loopback)")
        }
        let gateway = try ProviderEndpoints.fromEnvironment(
            ["VIDEOLEDGER_OPENAI_VIDEOS_BASE_URL": "https://gateway.example.com"], for: [.openAIVideos])
        #expect(gateway[.openAIVideos]?.origin == "https://gateway.example.com")
        #expect(
            ProviderEndpoints.ConfigurationError.insecure(variable: "V").description.contains("V must be an https URL"))
    }

    @Test func statusWordsAreNotGuessed() {
        #expect(JobStateVocabulary.state("IN_QUEUE") == .queued)
        #expect(JobStateVocabulary.state("in_progress") == .running)
        #expect(JobStateVocabulary.state("COMPLETED") == .completed)
        #expect(JobStateVocabulary.state("CANCELED") == .cancelled)
        #expect(JobStateVocabulary.state("unknown") == nil)
        #expect(JobStateVocabulary.state("video_url") == nil)
    }
}
