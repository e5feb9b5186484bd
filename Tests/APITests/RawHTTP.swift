import Foundation
import TestSupport

/// One HTTP/1.1 request over a plain loopback socket, for methods and headers the libcurl client
/// does not send (PATCH, OPTIONS, Origin). Blocking calls run off the cooperative pool.
enum RawHTTP {
    struct Answer: Sendable {
        let status: Int
        let headers: [String: String]
        let body: String
    }

    static func send(port: Int, _ method: String, _ path: String, headers: [String: String] = [:]) async throws
        -> Answer
    {
        try await TestDatabase.runBlocking {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw POSIXError(.EIO) }
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n"
            for (name, value) in headers { text += "\(name): \(value)\r\n" }
            text += "\r\n"
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(socket, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received += chunk[0..<count]
            }
            let response = String(decoding: received, as: UTF8.self)
            let parts = response.components(separatedBy: "\r\n\r\n")
            let lines = (parts.first ?? "").components(separatedBy: "\r\n")
            let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
            var fields: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            }
            return Answer(status: status, headers: fields, body: parts.dropFirst().joined(separator: "\r\n\r\n"))
        }
    }
}
