import Foundation
import HTTPClient
import Testing

/// TLS verification is on: a server with a self-signed certificate is refused. Needs the openssl
/// tool to make the certificate and serve it (`openssl s_server`).
@Suite("CurlHTTPClient TLS")
struct TLSVerificationTests {
    static let openssl = "/usr/bin/openssl"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: openssl)))
    func selfSignedCertificateIsRejected() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path
        let certificate = directory.appendingPathComponent("certificate.pem").path
        let made = try await Self.run([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
            "-days", "1", "-subj", "/CN=127.0.0.1",
        ])
        try #require(made == 0)

        let output = directory.appendingPathComponent("server.out")
        try Data().write(to: output)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.openssl)
        server.arguments = ["s_server", "-accept", "127.0.0.1:0", "-cert", certificate, "-key", key, "-www"]
        server.standardOutput = try FileHandle(forWritingTo: output)
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL, not `terminate()`: the child inherits the spawning thread's signal mask, in which
        // SIGTERM is blocked, so a SIGTERM would leave the server running after the test.
        defer { kill(server.processIdentifier, SIGKILL) }
        let port = try #require(await Self.acceptedPort(in: output))

        let client = try CurlHTTPClient()
        let result = await outcome(client, get("https://127.0.0.1:\(port)/"))
        await client.shutdown()
        guard case .transport(let message) = result.error else {
            Issue.record("expected a transport error, got \(result)")
            return
        }
        #expect(message.contains("certificate"))
    }

    /// The port from s_server's "ACCEPT 127.0.0.1:PORT" line, polled for up to 300 s.
    static func acceptedPort(in output: URL) async -> Int? {
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT ") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0) })
            {
                return port
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Runs openssl to completion without blocking a cooperative thread.
    static func run(_ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}
