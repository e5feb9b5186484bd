import Foundation
import ProviderRegistry
import Testing

@testable import ProviderSimulator

/// The documented shapes, checked on the simulator's own answers without a socket.
@Suite struct SimulatedResponseTests {
    func request(
        _ method: String, _ path: String, body: String = "", query: [String: String] = [:],
        headers: [String: String] = [:]
    ) -> SimRequest {
        SimRequest(
            method: method, path: path, query: query, headers: headers, body: Array(body.utf8), authority: "127.0.0.1:9"
        )
    }

    func state(_ provider: ProviderID, _ defaults: String = "complete_after_ms=0") -> SimulationState {
        let state = SimulationState(
            provider: provider, balancesMicros: ["USD": 10_000_000, "USDC": 10_000_000, "XNO": 1_000_000], jobsMax: 10,
            seed: 1)
        _ = state.configure(ScenarioText.pairs(defaults))
        return state
    }

    func json(_ response: SimResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    @Test func nanoGPTSubmitThenBothStatusShapes() async throws {
        let nano = NanoGPTSimulation(state: state(.nanoGPT))
        let key = ["x-api-key": "k"]
        let submit = await nano.respond(
            to: request(
                "POST", "/api/generate-video", body: #"{"model":"m","prompt":"p","duration":"5"}"#, headers: key))
        #expect(submit.status == 202)
        #expect(String(decoding: submit.body, as: UTF8.self).contains(#""cost":0.5"#))
        let nested = await nano.respond(
            to: request("GET", "/api/video/status", query: ["requestId": "vid_sim1"], headers: key))
        let data = try #require(json(nested)["data"] as? [String: Any])
        #expect(data["status"] as? String == "COMPLETED")
        let flatNano = NanoGPTSimulation(state: state(.nanoGPT, "complete_after_ms=0 shape=flat url_style=relative"))
        _ = await flatNano.respond(
            to: request("POST", "/api/generate-video", body: #"{"model":"m","duration":"5"}"#, headers: key))
        let flat = json(
            await flatNano.respond(
                to: request("GET", "/api/video/status", query: ["requestId": "vid_sim1"], headers: key)))
        #expect(flat["status"] as? String == "completed")
        #expect((flat["videoUrl"] as? String)?.hasPrefix("/api/generate-video/content?") == true)
        #expect(await nano.respond(to: request("POST", "/api/check-balance")).status == 401)
    }

    @Test func veniceAnswersJSONWhileProcessingAndMP4WhenDone() async {
        let venice = VeniceSimulation(state: state(.venice, "complete_after_ms=60000"))
        let auth = ["authorization": "Bearer k"]
        let queued = json(
            await venice.respond(
                to: request(
                    "POST", "/video/queue", body: #"{"model":"wan","prompt":"p","duration":"5s"}"#, headers: auth)))
        let id = queued["queue_id"] as? String ?? ""
        let processing = await venice.respond(
            to: request("POST", "/video/retrieve", body: #"{"model":"wan","queue_id":"\#(id)"}"#, headers: auth))
        #expect(json(processing)["status"] as? String == "PROCESSING")
        let quick = VeniceSimulation(state: state(.venice))
        let quickID =
            json(
                await quick.respond(
                    to: request("POST", "/video/queue", body: #"{"model":"wan","duration":"5s"}"#, headers: auth)))[
                "queue_id"]
            as? String ?? ""
        let done = await quick.respond(
            to: request("POST", "/video/retrieve", body: #"{"model":"wan","queue_id":"\#(quickID)"}"#, headers: auth))
        #expect(done.headers.contains { $0.0 == "Content-Type" && $0.1 == "video/mp4" })
        #expect(done.body.count == 2_048)
    }

    @Test func veniceWithoutAuthGetsTheX402Version2Discovery() async throws {
        let venice = VeniceSimulation(state: state(.venice))
        let response = await venice.respond(
            to: request("POST", "/video/queue", body: #"{"model":"wan","duration":"5s"}"#))
        #expect(response.status == 402)
        let header = try #require(response.headers.first { $0.0 == "PAYMENT-REQUIRED" }?.1)
        let decoded = try #require(Data(base64Encoded: header))
        #expect(Array(decoded) == response.body)
        #expect(json(response)["x402Version"] as? Int == 2)
    }

    @Test func aimoChecksTheSignInDomain() async {
        let aimo = AIMOSimulation(state: state(.aimo))
        func header(domain: String) -> [String: String] {
            let message = "\(domain) wants you to sign in with your Solana account:\nADDR\n\nURI: http://x\nVersion: 1"
            let json = #"{"message":"\#(message.replacingOccurrences(of: "\n", with: "\\n"))","signature":"sig"}"#
            return ["sign-in-with-x": Data(json.utf8).base64EncodedString()]
        }
        #expect(
            await aimo.respond(
                to: request("GET", "/api/v1/session/balance", headers: header(domain: "elsewhere.example"))
            ).status == 401)
        let balance = await aimo.respond(
            to: request("GET", "/api/v1/session/balance", headers: header(domain: "127.0.0.1:9")))
        #expect(json(balance)["balance_micro_usdc"] as? Int == 10_000_000)
        #expect(json(balance)["balance_usd"] as? String == "10.000000")
    }

    @Test func aigateHoldsItsAnswerUntilRendered() async {
        let aigate = AIGateSimulation(state: state(.aigate, "complete_after_ms=1500"))
        let response = await aigate.respond(
            to: request(
                "POST", "/v1/video/generations", body: #"{"model":"m","prompt":"p","duration":5}"#,
                headers: ["authorization": "Bearer k"]))
        #expect(response.status == 200 && response.delayMilliseconds == 1_500)
        let short = AIGateSimulation(
            state: SimulationState(provider: .aigate, balancesMicros: ["USD": 1], jobsMax: 1, seed: 1))
        let refused = await short.respond(
            to: request(
                "POST", "/v1/video/generations", body: #"{"model":"m","duration":5}"#,
                headers: ["authorization": "Bearer k"]))
        #expect(refused.status == 429 && String(decoding: refused.body, as: UTF8.self).contains("insufficient_quota"))
    }

    @Test func faultsReplaceOrAlterAnswers() async {
        let nano = NanoGPTSimulation(state: state(.nanoGPT, "retry_after_seconds=4 timeout_delay_ms=50"))
        let limited = nano.replacement(for: .rateLimited, request: request("GET", "/x"))
        #expect(limited?.status == 429 && limited?.headers.contains { $0 == ("Retry-After", "4") } == true)
        #expect(nano.replacement(for: .unavailable, request: request("GET", "/x"))?.status == 503)
        #expect(nano.replacement(for: .timeout, request: request("GET", "/x")) == nil)
        #expect(nano.altering(.json(200, .object([:])), by: .timeout).delayMilliseconds == 50)
        #expect(nano.altering(.json(200, .object([:])), by: .malformed).body == SimResponse.malformed.body)
    }

    @Test func controlRoutes() {
        let state = state(.venice)
        let control = ControlRoutes(state: state)
        let applied = control.respond(to: request("POST", "/_sim/scenario", body: "rate_5xx=0.5 balance_usd=3 junk=1"))
        #expect(json(applied)["applied"] as? Int == 2)
        let snapshot = json(control.respond(to: request("GET", "/_sim/state")))
        #expect((snapshot["balances"] as? [String: String])?["USD"] == "3.000000")
    }
}
