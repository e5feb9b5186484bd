import CCurl

extension HTTPClientError {
    /// The typed error for a transfer that curl finished with `code`.
    ///
    /// `detail` is curl's per-transfer error buffer (host, port, reason). It never holds request
    /// header values, so it is safe to carry; when it is empty, curl's generic text for the code is
    /// used instead. The URL scheme is checked before a transfer starts, so
    /// `CURLE_UNSUPPORTED_PROTOCOL` can only come from the peer (an HTTP/0.9 or otherwise
    /// unreadable reply) and is a transport failure, not a bad URL.
    static func curl(_ code: CURLcode, detail: String, responseBytesMax: Int) -> HTTPClientError {
        precondition(code != CURLE_OK, "a successful transfer has no error")
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectionFailed(message)
        case CURLE_URL_MALFORMAT:
            return .invalidURL(message)
        case CURLE_FILESIZE_EXCEEDED:
            // Content-Length announced more than CURLOPT_MAXFILESIZE_LARGE allows.
            return .responseTooLarge(limitBytes: responseBytesMax)
        default:
            return .transport(message)
        }
    }

    /// The error for a failure of the multi handle itself, which fails every transfer on it.
    static func curlMulti(_ code: CURLMcode, during operation: String) -> HTTPClientError {
        precondition(code != CURLM_OK, "a successful multi call has no error")
        return .transport("\(operation): \(String(cString: curl_multi_strerror(code)))")
    }
}
