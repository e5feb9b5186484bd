import HTTPClient

/// AIGate bodies as docs/providers.md describes them: the finished generation, the balance and the
/// error table.
enum AIGateFixtures {
    static let generation = """
        { "created": 1780047578, "model": "provider/video-model-id", "duration": 5, "videos": [ { "url": "https://api.aigate.shop/v1/videos/task_qZj21ARTSQzsyHoh82QBs7oPwnKvCOIu/content", "mime_type": "video/mp4" } ]}
        """
    static let generationWithCost = """
        {"created":1780047578,"model":"m","duration":5,"usage":{"cost_usd":0.37},"videos":[{"url":"https://api.aigate.shop/v1/videos/task_1/content"}]}
        """

    static func balance(used: String) -> String {
        """
        {"object":"balance","currency":"USD","balance":12.5,"used":3.42,"total":15.92,
         "balance_quota":6250000,"used_quota":1710000,"total_quota":7960000,
         "token":{"id":17,"name":"production","remaining":10.0,"used":\(used),"total":11.8,
                  "remaining_quota":5000000,"used_quota":900000,"total_quota":5900000,
                  "unlimited_quota":false,"model_limits_enabled":false,"model_limits":{},"expires_at":0}}
        """
    }

    static func error(status: Int, code: String, message: String) -> String {
        #"{ "error": { "message": "\#(message)", "type": "invalid_request_error", "code": "\#(code)", "status": \#(status) }}"#
    }

    static var responses: [HTTPResponse] {
        let errors = [
            (401, "http_401"), (404, "not_found"), (410, "http_410"), (429, "insufficient_quota"),
            (429, "rate_limit_exceeded"),
            (502, "api_error"), (400, "content_policy_violation"),
        ]
        return [recorded(200, generation), recorded(200, generationWithCost), recorded(200, balance(used: "1.8"))]
            + errors.map { recorded($0.0, error(status: $0.0, code: $0.1, message: "m")) }
    }
}
