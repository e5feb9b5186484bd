import CCurl

/// Builds the `curl_slist` of request header lines. The transfer owns the list and frees it after
/// the easy handle, which points into it, is gone.
enum CurlHeaderList {
    static func make(for request: HTTPRequest) -> Result<UnsafeMutablePointer<curl_slist>?, HTTPClientError> {
        // curl sends "Name:" lines without a value as a removal of its own header, so empty values
        // use curl's "Name;" form.
        var lines = request.headers.map { $0.value.isEmpty ? "\($0.name);" : "\($0.name): \($0.value)" }
        let names = Set(request.headers.map { $0.name.lowercased() })
        if request.sendsBody {
            // curl would otherwise wait up to a second for "100 Continue" before larger bodies.
            if !names.contains("expect") { lines.append("Expect:") }
            // curl would otherwise label every body as a form; an unlabelled body is the honest default.
            if !names.contains("content-type") { lines.append("Content-Type:") }
        }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                return .failure(.transport("out of memory building request headers"))
            }
            list = appended
        }
        return .success(list)
    }
}
