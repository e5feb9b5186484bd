import CCurl

/// One request inside curl: its easy handle, the buffers curl writes into, and the continuation
/// of its caller, which the driver resumes once it has taken the transfer out of its table.
///
/// Confined to the driver thread: created, configured, called back by curl (inside
/// `curl_multi_perform`) and destroyed there. curl holds raw pointers to this object (`WRITEDATA`,
/// `HEADERDATA`) and to `errorBuffer`, so the driver keeps the object in its transfer table until
/// the easy handle has left the multi handle.
final class CurlTransfer {
    enum Overflow { case none, body, headers }

    let id: UInt64
    let connectionKey: String
    let easy: UnsafeMutableRawPointer
    let deadline: ContinuousClock.Instant
    let responseBytesMax: Int
    let responseHeaderBytesMax: Int
    let continuation: CurlSubmission.Continuation
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// curl writes its detailed message for a failed transfer here (`CURLOPT_ERRORBUFFER`).
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var body: [UInt8] = []
    private var headers: [HTTPHeader] = []
    private var headerBytes = 0
    private var overflow = Overflow.none

    private init(
        submission: CurlSubmission,
        easy: UnsafeMutableRawPointer,
        configuration: CurlHTTPClient.Configuration
    ) {
        self.id = submission.id
        self.connectionKey = submission.connectionKey
        self.easy = easy
        self.deadline = submission.deadline
        self.responseBytesMax = submission.request.responseBytesMax
        self.responseHeaderBytesMax = configuration.responseHeaderBytesMax
        self.continuation = submission.continuation
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// A transfer ready for `curl_multi_add_handle`, or why the request cannot be sent. A failed
    /// transfer frees its easy handle on release; its caller is the driver's to resume.
    static func make(
        _ submission: CurlSubmission,
        configuration: CurlHTTPClient.Configuration,
        remainingMilliseconds: Int
    ) -> Result<CurlTransfer, HTTPClientError> {
        precondition(remainingMilliseconds >= 1, "expired requests never reach curl")
        guard let easy = curl_easy_init() else { return .failure(.transport("curl_easy_init failed")) }
        let transfer = CurlTransfer(submission: submission, easy: easy, configuration: configuration)
        return transfer.configure(
            submission.request,
            configuration: configuration,
            remainingMilliseconds: remainingMilliseconds
        ).map { transfer }
    }

    /// The outcome of a transfer curl reported done with `code`.
    func outcome(_ code: CURLcode) -> Result<HTTPResponse, HTTPClientError> {
        switch overflow {
        case .body:
            return .failure(.responseTooLarge(limitBytes: responseBytesMax))
        case .headers:
            return .failure(.transport("response headers exceed \(responseHeaderBytesMax) bytes"))
        case .none:
            break
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            return .failure(.curl(code, detail: detail, responseBytesMax: responseBytesMax))
        }
        var status = 0
        let statusCode = vl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        guard statusCode == CURLE_OK, (100...999).contains(status) else {
            return .failure(.transport("the response carried no HTTP status"))
        }
        return .success(HTTPResponse(status: status, headers: headers, body: body))
    }

    // MARK: Callbacks, on the driver thread inside curl_multi_perform

    /// Appends body bytes; returns fewer bytes than given, which makes curl abort the transfer
    /// with `CURLE_WRITE_ERROR`, once the body would pass `responseBytesMax`.
    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard bytes.count <= responseBytesMax - body.count else {
            overflow = .body
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// Collects one header line. A status line starts a new header block (after a redirect or an
    /// interim `100 Continue`), so only the final response's headers are kept.
    fileprivate func receiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Int {
        headerBytes += line.count
        guard headerBytes <= responseHeaderBytesMax else {
            overflow = .headers
            return 0
        }
        // Works on bytes: this runs for every header line on the driver thread.
        let space = UInt8(ascii: " ")
        let tab = UInt8(ascii: "\t")
        var end = line.count
        while end > 0, line[end - 1] == space || line[end - 1] == tab || line[end - 1] == 13 || line[end - 1] == 10 {
            end -= 1  // CR, LF and trailing white space.
        }
        if line[0..<end].starts(with: "HTTP/".utf8) {
            headers.removeAll(keepingCapacity: true)
            return line.count
        }
        // Blank lines end a block; lines starting with white space are obsolete folding. Neither is a field.
        guard end > 0, line[0] != space, line[0] != tab,
            let colon = line[0..<end].firstIndex(of: UInt8(ascii: ":"))
        else {
            return line.count
        }
        var valueStart = colon + 1
        while valueStart < end, line[valueStart] == space || line[valueStart] == tab {
            valueStart += 1
        }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: line[0..<colon]), as: UTF8.self)
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: line[valueStart..<end]), as: UTF8.self)
        headers.append(HTTPHeader(name, value))
        return line.count
    }

    // MARK: Setup

    private func configure(
        _ request: HTTPRequest,
        configuration: CurlHTTPClient.Configuration,
        remainingMilliseconds: Int
    ) -> Result<Void, HTTPClientError> {
        // `execute` has already rejected requests with a `problem` (bad URL or header field).
        switch CurlHeaderList.make(for: request) {
        case .failure(let error): return .failure(error)
        case .success(let list): headerList = list
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        var options = CurlEasyOptions(easy: easy)
        options.set(CURLOPT_URL, string: request.url)
        options.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        // The request id, not a pointer: the driver looks transfers up in its own table.
        options.set(CURLOPT_PRIVATE, pointer: UnsafeMutableRawPointer(bitPattern: UInt(id)))
        options.set(CURLOPT_WRITEFUNCTION, callback: curlWriteBody)
        options.set(CURLOPT_WRITEDATA, pointer: context)
        options.set(CURLOPT_HEADERFUNCTION, callback: curlWriteHeader)
        options.set(CURLOPT_HEADERDATA, pointer: context)
        options.set(CURLOPT_HTTPHEADER, list: headerList)
        options.setMethod(of: request)
        options.setSafety(followRedirects: request.followRedirects, redirectsMax: configuration.redirectsMax)
        options.set(CURLOPT_TIMEOUT_MS, remainingMilliseconds)
        options.set(CURLOPT_CONNECTTIMEOUT_MS, min(configuration.connectTimeoutMilliseconds, remainingMilliseconds))
        // 0 would mean "no limit" to curl; with no Content-Length the write callback still enforces it.
        if responseBytesMax > 0 {
            options.set(CURLOPT_MAXFILESIZE_LARGE, large: Int64(responseBytesMax))
        }
        guard options.failure == CURLE_OK else {
            return .failure(.curl(options.failure, detail: "", responseBytesMax: responseBytesMax))
        }
        return .success(())
    }
}

/// Body bytes from curl. Context is the `CurlTransfer`, alive while its handle is in the multi handle.
private let curlWriteBody: curl_write_callback = { bytes, size, count, context in
    guard let bytes, let context else { return 0 }
    let (byteCount, overflowed) = size.multipliedReportingOverflow(by: count)
    guard !overflowed else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: bytes, count: byteCount))
}

/// One header line from curl, CRLF included; same context and lifetime as `curlWriteBody`.
private let curlWriteHeader: curl_write_callback = { bytes, size, count, context in
    guard let bytes, let context else { return 0 }
    let (byteCount, overflowed) = size.multipliedReportingOverflow(by: count)
    guard !overflowed else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: bytes, count: byteCount))
}
