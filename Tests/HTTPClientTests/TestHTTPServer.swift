import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for tests: blocking POSIX sockets, one thread accepting and
/// one thread per connection, keep-alive, and scripted responses chosen by path:
///
/// - `/ok`: 200 "ok"
/// - `/id/N`: 200 with body "N"
/// - `/echo`: 200 with the method, the header lines and the body of the request
/// - `/slow?ms=N`: 200 after N milliseconds, or nothing when the client hangs up first
/// - `/big?bytes=N` (`&length=none`: without Content-Length, ended by closing)
/// - `/headers?count=N`: 200 with N extra header lines of 65 bytes each
/// - `/garbage`: bytes that are not HTTP, then close
/// - `/truncated`: a Content-Length of 1000 and 5 bytes, then close
/// - `/status/N`: status N; 429 and 503 carry `Retry-After: 7`
/// - `/redirect`: 302 to `/ok`
final class TestHTTPServer: Sendable {
    struct Statistics: Sendable {
        var connectionsAccepted = 0
        var connectionsOpen = 0
        var connectionsOpenPeak = 0
        var requestsByPath: [String: Int] = [:]
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let port: UInt16
    private let listener: Int32
    private let statisticsState = Mutex(Statistics())

    init() throws(Failure) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 1_024) == 0 else {
            close(listener)
            throw Failure(description: "bind/listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        guard named == 0 else {
            close(listener)
            throw Failure(description: "getsockname: errno \(errno)")
        }
        self.listener = listener
        self.port = UInt16(bigEndian: address.sin_port)
        Thread { [self] in acceptConnections() }.start()
    }

    var statistics: Statistics { statisticsState.withLock { $0 } }

    func url(_ pathAndQuery: String) -> String { "http://127.0.0.1:\(port)\(pathAndQuery)" }

    /// Stops accepting; open connections end when their clients hang up.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// Waits (up to 300 s, polling) until a request for `path` has arrived.
    func waitForRequest(path: String) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            if statistics.requestsByPath[path, default: 0] > 0 { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    private func acceptConnections() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return  // The listener was shut down.
            }
            statisticsState.withLock {
                $0.connectionsAccepted += 1
                $0.connectionsOpen += 1
                $0.connectionsOpenPeak = max($0.connectionsOpenPeak, $0.connectionsOpen)
            }
            Thread { [self] in serve(connection) }.start()
        }
    }

    private func serve(_ connection: Int32) {
        defer {
            close(connection)
            statisticsState.withLock { $0.connectionsOpen -= 1 }
        }
        var buffer: [UInt8] = []
        // Bounded by the client: each turn serves one request or ends the connection.
        while let request = TestHTTPRequest.read(from: connection, buffer: &buffer) {
            statisticsState.withLock { $0.requestsByPath[request.path, default: 0] += 1 }
            guard respond(to: request, on: connection), !request.wantsClose else { return }
        }
    }

    /// Sends the scripted response; false when the connection must close.
    private func respond(to request: TestHTTPRequest, on connection: Int32) -> Bool {
        let path = request.path
        if path == "/ok" { return send(connection, status: 200, body: Array("ok".utf8)) }
        if path.hasPrefix("/id/") { return send(connection, status: 200, body: Array(path.dropFirst(4).utf8)) }
        if path == "/echo" { return send(connection, status: 200, body: request.echo) }
        if path == "/slow" {
            let milliseconds = Int32(request.query["ms"] ?? "") ?? 0
            // Readable before the time is up means the client hung up (curl does not pipeline).
            guard !Self.readable(connection, withinMilliseconds: milliseconds) else { return false }
            return send(connection, status: 200, body: Array("slow".utf8))
        }
        if path == "/big" {
            let body = [UInt8](repeating: UInt8(ascii: "b"), count: Int(request.query["bytes"] ?? "") ?? 0)
            if request.query["length"] == "none" {
                _ = Self.write(connection, Array("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".utf8) + body)
                return false
            }
            return send(connection, status: 200, body: body)
        }
        if path == "/headers" {
            let count = Int(request.query["count"] ?? "") ?? 0
            let lines = (0..<max(count, 0)).map {
                String(format: "X-Filler-%04d: ", $0) + String(repeating: "f", count: 48)
            }
            return send(connection, status: 200, headers: lines, body: [])
        }
        if path == "/garbage" {
            _ = Self.write(connection, [0, 1, 2, 0xFF] + Array("this is not HTTP\r\n\r\nat all".utf8))
            return false
        }
        if path == "/truncated" {
            _ = Self.write(connection, Array("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nshort".utf8))
            return false
        }
        if path.hasPrefix("/status/"), let status = Int(path.dropFirst(8)) {
            let headers = status == 429 || status == 503 ? ["Retry-After: 7"] : []
            return send(connection, status: status, headers: headers, body: Array("status".utf8))
        }
        if path == "/redirect" { return send(connection, status: 302, headers: ["Location: /ok"], body: []) }
        return send(connection, status: 404, body: Array("not found".utf8))
    }

    private func send(_ connection: Int32, status: Int, headers: [String] = [], body: [UInt8]) -> Bool {
        var head = "HTTP/1.1 \(status) Scripted\r\nContent-Length: \(body.count)\r\nContent-Type: text/plain\r\n"
        for header in headers { head += header + "\r\n" }
        head += "\r\n"
        return Self.write(connection, Array(head.utf8) + body)
    }

    private static func write(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            sent += count
        }
        return true
    }

    private static func readable(_ connection: Int32, withinMilliseconds milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }
}

/// One parsed request: request line, headers and a Content-Length body.
struct TestHTTPRequest {
    var method = ""
    var path = ""
    var query: [String: String] = [:]
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []

    var wantsClose: Bool {
        headers.contains { $0.name.lowercased() == "connection" && $0.value.lowercased() == "close" }
    }

    /// The method, each header as "name: value", a blank line, then the body.
    var echo: [UInt8] {
        var text = method + "\n"
        for header in headers { text += "\(header.name): \(header.value)\n" }
        return Array((text + "\n").utf8) + body
    }

    /// Reads the next request, keeping bytes past it in `buffer`; nil at end of stream or on bad input.
    static func read(from connection: Int32, buffer: inout [UInt8]) -> TestHTTPRequest? {
        let terminator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = buffer.firstRange(of: terminator)?.upperBound
            if headEnd == nil {
                guard buffer.count < 64 * 1024, receive(from: connection, into: &buffer) else { return nil }
            }
        }
        guard let headEnd, var request = parseHead(Array(buffer[..<headEnd])) else { return nil }
        let length = Int(request.headers.first { $0.name.lowercased() == "content-length" }?.value ?? "0") ?? -1
        guard length >= 0, length <= 16 * 1024 * 1024 else { return nil }
        while buffer.count < headEnd + length {
            guard receive(from: connection, into: &buffer) else { return nil }
        }
        request.body = Array(buffer[headEnd..<(headEnd + length)])
        buffer.removeFirst(headEnd + length)
        return request
    }

    private static func parseHead(_ head: [UInt8]) -> TestHTTPRequest? {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count == 3 else { return nil }
        var request = TestHTTPRequest()
        request.method = String(parts[0])
        let target = parts[1].split(separator: "?", maxSplits: 1)
        request.path = String(target[0])
        if target.count == 2 {
            for pair in target[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1)
                request.query[String(keyValue[0])] = keyValue.count == 2 ? String(keyValue[1]) : ""
            }
        }
        for line in lines.dropFirst() where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            request.headers.append((String(line[..<colon]), value))
        }
        return request
    }

    private static func receive(from connection: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            buffer.append(contentsOf: chunk[..<count])
            return true
        }
    }
}

/// A loopback port with nothing listening: bound, never listening, so connecting is refused and
/// no other test can take the port while the value lives.
final class ClosedPort: Sendable {
    let port: UInt16
    private let socketDescriptor: Int32

    init() throws(TestHTTPServer.Failure) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard descriptor >= 0, ok else { throw TestHTTPServer.Failure(description: "closed port: errno \(errno)") }
        self.socketDescriptor = descriptor
        self.port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(socketDescriptor) }
}
