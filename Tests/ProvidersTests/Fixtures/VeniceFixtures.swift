import Foundation
import HTTPClient

/// Venice bodies as docs/providers.md describes them: queue, retrieve, quote, both balances, and the 402 / 404 /
/// 422 / 503 bodies.
enum VeniceFixtures {
    static let queue =
        #"{"model":"grok-imagine-text-to-video-private","queue_id":"q-1","download_url":"https://dl.venice.ai/x"}"#
    static let balanceRemaining = HTTPHeader("X-Balance-Remaining", "4.230000")
    static let processing = #"{"status":"PROCESSING","average_execution_time":145000,"execution_duration":53200}"#
    static let completed = #"{"status":"COMPLETED"}"#
    static let notFound = #"{"error":"Media not found","code":"MEDIA_NOT_FOUND"}"#
    static let contentPolicyNested =
        #"{"error":{"message":"Blocked. Credits have been refunded.","type":"provider_content_policy","recommended_model":"wan-2-7-text-to-video","credits_refunded":true}}"#
    static let contentPolicyFlat = #"{"error":"Blocked","credits_refunded":false}"#
    static let atCapacity = #"{"error":"Model at capacity"}"#
    static let insufficientBalance = #"{"error":"Insufficient USD balance","code":"INSUFFICIENT_BALANCE"}"#
    static let discovery = """
        {"x402Version":2,"error":"Payment required",
         "resource":{"url":"https://api.venice.ai/api/v1/video/queue","description":"Venice API","mimeType":"application/json"},
         "accepts":[{"scheme":"exact","network":"solana","asset":"EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
                     "amount":"10000000","payTo":"8qUL","maxTimeoutSeconds":300,"extra":{"name":"USD Coin","version":"2","feePayer":"BFK9"}}],
         "extensions":{"sign-in-with-x":{}},
         "authOptions":{"apiKey":{},"x402Wallet":{"header":"SIGN-IN-WITH-X","legacyHeader":"X-Sign-In-With-X","topUp":"POST /api/v1/x402/top-up","docs":"d"}}}
        """
    static let walletShortOfCredit = """
        {"error":"Payment required","code":"PAYMENT_REQUIRED","reason":"insufficient_balance","message":"Insufficient x402 balance",
         "currentBalanceUsd":0.01,"minimumBalanceUsd":0.1,"suggestedTopUpUsd":10,"minimumTopUpUsd":5,"supportedTokens":["USDC"],
         "supportedChains":["base","solana"],
         "topUpInstructions":{"step1":"a","receiverWallet":"w","tokenAddress":"t","tokenDecimals":6,"network":"eip155:8453","minimumAmountUsd":5},
         "siwxChallenge":{"info":{"domain":"api.venice.ai","statement":"Sign in to Venice AI"},"supportedChains":[{"chainId":"solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp","type":"ed25519"}]}}
        """
    static let quote = #"{"quote": 0.085}"#
    static let quoteExponent = #"{"quote": 1e-5}"#
    static let apiKeyBalance =
        #"{"canConsume":true,"consumptionCurrency":"USD","balances":{"diem":12.5,"usd":42.109876},"diemEpochAllocation":0}"#
    static let walletBalance =
        #"{"success":true,"data":{"walletAddress":"w","balanceUsd":4.23,"canConsume":true,"minimumTopUpUsd":5,"suggestedTopUpUsd":10}}"#

    static var responses: [HTTPResponse] {
        [
            recorded(200, queue, headers: [balanceRemaining]), recorded(200, processing, headers: [balanceRemaining]),
            recorded(200, completed), mp4(bytes: 90_000), recorded(404, notFound), recorded(422, contentPolicyNested),
            recorded(422, contentPolicyFlat), recorded(503, atCapacity), recorded(402, insufficientBalance),
            recorded(402, discovery),
            recorded(402, "{}", headers: [HTTPHeader("PAYMENT-REQUIRED", Data(discovery.utf8).base64EncodedString())]),
            recorded(402, walletShortOfCredit), recorded(200, quote), recorded(200, quoteExponent),
            recorded(200, apiKeyBalance),
            recorded(200, walletBalance),
        ]
    }
}
