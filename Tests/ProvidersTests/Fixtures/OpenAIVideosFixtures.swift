import HTTPClient

/// `/v1/videos` bodies: the gateway's create answer and the OpenAI `Video` object in each state,
/// with new-api's millisecond timestamps and a gateway's cost extras.
enum OpenAIVideosFixtures {
    static let create =
        #"{"id": "video_abc123", "object": "video", "model": "sora-2", "status": "queued", "progress": 0, "created_at": 1764347090922, "seconds": "8"}"#
    static let completedMilliseconds = """
        {"id":"video_abc123","object":"video","model":"sora-2","status":"completed","progress":100,
         "created_at":1764347090922,"completed_at":1764347190922,"expires_at":1764350690922,
         "seconds":"12","size":"1280x720","remixed_from_video_id":null,"error":null}
        """
    static let completedSeconds =
        #"{"id":"v","object":"video","model":"sora-2","status":"completed","progress":100,"created_at":1764347090,"expires_at":1764350690,"seconds":"8"}"#
    static let gatewayExtras =
        #"{"id":"v","status":"completed","progress":100,"seconds":"8","video_url":"https://cdn/v.mp4","usage":{"cost":0.0850001}}"#
    static let inProgress = #"{"id":"v","status":"in_progress","progress":42,"seconds":"8"}"#
    static let failed =
        #"{"id":"v","status":"failed","progress":0,"error":{"code":"moderation_blocked","message":"blocked"}}"#
    static let error =
        #"{"error":{"message":"Invalid API key","type":"invalid_request_error","code":"invalid_api_key"}}"#

    static var responses: [HTTPResponse] {
        [
            recorded(200, create), recorded(200, completedMilliseconds), recorded(200, completedSeconds),
            recorded(200, gatewayExtras),
            recorded(200, inProgress), recorded(200, failed), recorded(401, error), recorded(429, error),
            recorded(503, error),
        ]
    }
}
