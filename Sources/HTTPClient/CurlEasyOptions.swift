import CCurl

/// Sets options on one easy handle in order and keeps the first failure, so that transfer setup
/// reads as one flat list. String options are copied by curl (all but `POSTFIELDS`, unused here).
struct CurlEasyOptions {
    let easy: UnsafeMutableRawPointer
    private(set) var failure = CURLE_OK

    init(easy: UnsafeMutableRawPointer) {
        self.easy = easy
    }

    mutating func set(_ option: CURLoption, _ value: Int) {
        record(vl_easy_setopt_long(easy, option, value))
    }

    mutating func set(_ option: CURLoption, large value: Int64) {
        record(vl_easy_setopt_off(easy, option, curl_off_t(value)))
    }

    mutating func set(_ option: CURLoption, string value: String) {
        record(value.withCString { vl_easy_setopt_string(easy, option, $0) })
    }

    mutating func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) {
        record(vl_easy_setopt_pointer(easy, option, value))
    }

    mutating func set(_ option: CURLoption, list value: UnsafeMutablePointer<curl_slist>?) {
        record(vl_easy_setopt_slist(easy, option, value))
    }

    /// `WRITEFUNCTION` and `HEADERFUNCTION` share the C type `curl_write_callback`.
    mutating func set(_ option: CURLoption, callback value: curl_write_callback) {
        record(vl_easy_setopt_write_callback(easy, option, value))
    }

    /// The method, and the body curl copies (`COPYPOSTFIELDS`) so no Swift buffer must outlive
    /// this call. POST and PUT always send a body, empty when none is given: a POST without
    /// `POSTFIELDS` would make curl read the body from stdin.
    mutating func setMethod(of request: HTTPRequest) {
        guard request.sendsBody else {
            if request.method == .get {
                set(CURLOPT_HTTPGET, 1)
            } else {
                set(CURLOPT_CUSTOMREQUEST, string: request.method.rawValue)
            }
            return
        }
        let bytes = request.body ?? []
        set(CURLOPT_POSTFIELDSIZE_LARGE, large: Int64(bytes.count))
        let code = bytes.withUnsafeBufferPointer { buffer in
            // An empty array may have no storage, but curl needs a valid pointer even for zero bytes.
            guard let base = buffer.baseAddress else {
                return "".withCString { vl_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, $0) }
            }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                vl_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, $0)
            }
        }
        record(code)
        if request.method != .post {
            set(CURLOPT_CUSTOMREQUEST, string: request.method.rawValue)
        }
    }

    /// Options that keep a transfer safe and predictable whatever libcurl's defaults or the
    /// environment say: no signals, TLS verified, only HTTP(S), no proxy from the environment,
    /// HTTP/1.1, redirects only when asked, no `Accept-Encoding` (bodies arrive as sent).
    mutating func setSafety(followRedirects: Bool, redirectsMax: Int) {
        // Signals are process-wide; with threads curl must not use SIGALRM for DNS timeouts.
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        set(CURLOPT_PROTOCOLS_STR, string: "http,https")
        set(CURLOPT_REDIR_PROTOCOLS_STR, string: "http,https")
        // An empty proxy disables proxies, including http_proxy and friends from the environment.
        set(CURLOPT_PROXY, string: "")
        set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        set(CURLOPT_FOLLOWLOCATION, followRedirects ? 1 : 0)
        set(CURLOPT_MAXREDIRS, followRedirects ? redirectsMax : 0)
    }

    private mutating func record(_ code: CURLcode) {
        if failure == CURLE_OK {
            failure = code
        }
    }
}
