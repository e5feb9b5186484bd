import HTTPClient

/// AIMO bodies as docs/providers.md describes them, shared by the adapter and fuzz tests.
enum AIMOFixtures {
    static let queue =
        #"{"id": "provider_pubkey:base64_task", "created": 0, "status": "queued", "variants_expected": 0}"#
    static let error = #"{"error": {"code": "string", "message": "string"}}"#
    static let x402Version1 = """
        {"error":"X-PAYMENT header is required","x402Version":1,
         "accepts":[{"network":"solana","maxAmountRequired":"123","payTo":"Ge3j","maxTimeoutSeconds":300,"asset":"EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"},
                    {"network":"base","maxAmountRequired":"123","payTo":"0xf59b","maxTimeoutSeconds":300,"asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"}]}
        """
    static let balance =
        #"{"caip_account_id":"solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp:addr","balance_micro_usdc":12345678,"balance_usd":"12.345678"}"#
    static let balanceString = #"{"balance_usd":"0.5"}"#
    static let queued = #"{"status":"queued","progress":0}"#
    static let processing = #"{"status":"PROCESSING","average_execution_time":1000,"execution_duration":400}"#
    static let completed = #"{"status":"completed","variants":[{"url":"https://x/1.mp4"},{"url":"https://x/2.mp4"}]}"#
    static let failed = #"{"status":"failed","error":{"code":"generation_failed","message":"The render failed"}}"#

    /// Every recorded answer, as the fuzz tests start from them.
    static var responses: [HTTPResponse] {
        [
            recorded(200, queue), recorded(400, error), recorded(401, error), recorded(402, x402Version1),
            recorded(200, balance),
            recorded(200, balanceString), recorded(200, queued), recorded(200, processing), recorded(200, completed),
            recorded(200, failed), mp4(bytes: 42),
        ]
    }
}

/// A finished video as a status answer's body (Venice, AIMO).
func mp4(bytes: Int) -> HTTPResponse {
    HTTPResponse(
        status: 200, headers: [HTTPHeader("Content-Type", "video/mp4")], body: [UInt8](repeating: 7, count: bytes))
}
