extension HTTPRequest {
    /// POST and PUT always carry a body (empty when none is given); GET and DELETE only when given.
    var sendsBody: Bool {
        body != nil || method == .post || method == .put
    }

    /// Scheme, host and port, lowercased: what `connectionsPerHostMax` counts per, as curl does.
    /// Only meaningful for a request without a `problem`.
    var connectionKey: String {
        guard let separator = url.range(of: "://") else { return url }
        let scheme = url[..<separator.lowerBound].lowercased()
        var authority = url[separator.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        // A colon after the last "]" (or anywhere, without brackets) is the port's.
        let afterAddress = authority.lastIndex(of: "]").map { authority[$0...] } ?? authority
        let port = afterAddress.contains(":") ? "" : (scheme == "https" ? ":443" : ":80")
        return scheme + "://" + authority.lowercased() + port
    }

    /// Why the request cannot be sent as given, found before curl sees it. Messages never quote the
    /// URL or a header value: either may carry credentials.
    var problem: HTTPClientError? {
        let scheme = url.prefix(8).lowercased()
        guard scheme.hasPrefix("http://") || scheme.hasPrefix("https://") else {
            return .invalidURL("the URL must be absolute http or https")
        }
        // A NUL would silently cut the C string short, changing the URL; white space is never valid.
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            return .invalidURL("the URL contains white space or control characters")
        }
        for header in headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(HTTPRequest.isTokenByte) else {
                return .transport("a header field name is not an HTTP token")
            }
            // CR or LF would let a value inject header lines.
            guard header.value.utf8.allSatisfy(HTTPRequest.isFieldValueByte) else {
                return .transport("the value of header \(header.name) contains control characters")
            }
        }
        return nil
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// RFC 9110 `field-vchar`, space or tab.
    private static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\t") || (byte >= 0x20 && byte != 0x7F)
    }
}
