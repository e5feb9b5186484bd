import HTTPClient

/// NanoGPT bodies as docs/providers.md describes them: the 202 precharge (USD and XNO), both status shapes in each
/// state, string balances, typed errors and the x402 `payment` object.
enum NanoGPTFixtures {
    static let submitUSD =
        #"{"runId":"vid_m1abc123def456","id":"vid_m1abc123def456","status":"pending","model":"veo2-video","cost":0.35,"paymentSource":"USD","remainingBalance":99.65,"prechargeLabel":"string"}"#
    static let submitXNO =
        #"{"runId":"vid_m1abc123def456","id":"vid_m1abc123def456","status":"pending","model":"veo2-video","cost":0.35,"paymentSource":"XNO","remainingBalance":12.5,"prechargeLabel":"string"}"#
    static let nestedCompleted = """
        {"requestId":"vid_1","model":"sora-2",
         "data":{"status":"COMPLETED","requestId":"vid_1","output":{"video":{"url":"https://storage.example.com/video.mp4"}},"cost":0.35}}
        """
    static let nestedCompletedXNO = """
        {"requestId":"vid_1","model":"sora-2",
         "data":{"status":"COMPLETED","requestId":"vid_1","output":{"video":{"url":"https://storage.example.com/video.mp4"}},"cost":1.25,
                 "paymentSource":"XNO","remainingBalance":11.25}}
        """
    static let nestedInProgress =
        #"{"requestId":"vid_1","data":{"status":"in_progress","progress":40,"estimatedTimeRemaining":12,"details":"Video is being generated"}}"#
    static let nestedFailed =
        #"{"requestId":"vid_1","data":{"status":"FAILED","error":"nsfw","isNSFWError":true,"userFriendlyError":"Prompt flagged"}}"#
    static let nestedCanceled = #"{"data":{"status":"CANCELED"}}"#
    static let flatCompleted = """
        {"requestId":"vid_1","status":"completed","progress":null,"estimatedTimeRemaining":null,
         "videoUrl":"/api/generate-video/content?model=grok-imagine-video&runId=vid_1&variant=video","error":null,
         "createdAt":"2026-08-22T10:00:00Z","completedAt":"2026-08-22T10:02:00Z"}
        """
    static let flatQueued = #"{"requestId":"v","status":"queued","videoUrl":null}"#
    static let flatUnknown = #"{"requestId":"v","status":"unknown"}"#
    static let balance = #"{"usd_balance":"129.46956147","nano_balance":"26.71801147","nanoDepositAddress":"nano_1"}"#
    static let contentPolicy =
        #"{"error":{"message":"Prompt violates policy","type":"CONTENT_POLICY_VIOLATION"},"refundMessage":"Refunded"}"#
    static let rateLimited = #"{"error":{"message":"Slow down","type":"RATE_LIMITED"}}"#
    static let insufficient = #"{"error":{"message":"Insufficient balance","type":"INSUFFICIENT_BALANCE"}}"#
    static let badDuration = #"{"error":400,"message":"bad duration"}"#
    static let proRequired = #"{"error":{"message":"Pro required","type":"PRO_REQUIRED"}}"#
    static let x402Payment = """
        {"error":{"type":"insufficient_quota","code":"x402_payment_required","message":"Payment required"},
         "payment":{"version":1,"paymentId":"p1","requestHash":"h","expiresAt":"2026-01-01T00:00:00Z","amountUsd":0.35,
                    "statusUrl":"/s","completeUrl":"/c",
                    "accepted":[{"scheme":"x402-exact","protocolScheme":"exact","network":"base","amount":"350000",
                                 "amountFormatted":"0.35","amountUsd":0.35,"payTo":"0xpay","asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"},
                                {"scheme":"nano","network":"nano","amount":"1000000000000000000000000000000","amountUsd":0.35,"payTo":"nano_1"}]},
         "x402Version":1,
         "accepts":[{"scheme":"exact","network":"base","maxAmountRequired":"350000","payTo":"0xpay","asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"}]}
        """

    static var responses: [HTTPResponse] {
        [
            recorded(202, submitUSD), recorded(202, submitXNO), recorded(200, nestedCompleted),
            recorded(200, nestedCompletedXNO),
            recorded(200, nestedInProgress), recorded(200, nestedFailed), recorded(200, nestedCanceled),
            recorded(200, flatCompleted),
            recorded(200, flatQueued), recorded(200, flatUnknown), recorded(200, balance), recorded(400, contentPolicy),
            recorded(429, rateLimited, headers: [HTTPHeader("Retry-After", "7")]), recorded(402, insufficient),
            recorded(400, badDuration),
            recorded(403, proRequired), recorded(402, x402Payment),
        ]
    }
}
