#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Testing

@testable import ProviderSimulator

@Suite struct SimulatorLifecycleTests {
    @Test func startsOnFreePortsReportsThemAndStops() async throws {
        let running = try await ProviderSimulator.start(.ephemeralPorts())
        let ports = running.ports
        #expect(ports.count == 5 && Set(ports.values).count == 5 && !ports.values.contains(0))
        #expect(running.baseURLs[.venice] == "http://127.0.0.1:\(ports[.venice] ?? 0)/api/v1")
        #expect(running.baseURLs[.nanoGPT] == "http://127.0.0.1:\(ports[.nanoGPT] ?? 0)")
        await running.stop()
    }

    /// A client holding a keep-alive connection open does not keep the simulator running:
    /// stop shuts down gracefully and closes the idle connection. The socket calls block, so
    /// they run on a dispatch queue, never on the cooperative pool the server itself needs.
    @Test func stopClosesIdleKeepAliveConnections() async throws {
        let running = try await ProviderSimulator.start(.ephemeralPorts())
        let port = try #require(running.ports[.aimo])
        let socket = try #require(await Self.offPool { Self.connect(port: port) })
        defer { close(socket) }
        let answered = await Self.offPool { () -> Bool in
            let request = "GET /_sim/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"
            guard request.withCString({ send(socket, $0, strlen($0), 0) }) > 0 else { return false }
            var buffer = [UInt8](repeating: 0, count: 4_096)
            return recv(socket, &buffer, buffer.count, 0) > 0
        }
        #expect(answered)
        await running.stop()
        // The server closed its side: the next read sees end of stream (or a reset), not the
        // 20 s receive timeout. Closing finishes in a task on the cooperative pool, which the
        // parallel suite keeps busy, so the close can land seconds after stop returns.
        let closedByServer = await Self.offPool { () -> Bool in
            var buffer = [UInt8](repeating: 0, count: 4_096)
            let received = recv(socket, &buffer, buffer.count, 0)
            return received == 0 || (received < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        }
        #expect(closedByServer)
    }

    private static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    private static func connect(port: Int) -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }

    @Test func aTakenPortFailsTheStartAndStopsTheOthers() async throws {
        let first = try await ProviderSimulator.start(.ephemeralPorts())
        var clash = SimulatorConfiguration.ephemeralPorts()
        clash.ports[.aigate] = first.ports[.aimo]
        await #expect(throws: ProviderSimulator.StartError.self) { try await ProviderSimulator.start(clash) }
        await first.stop()
    }

    @Test func defaultPortsFollowTheBasePort() {
        var configuration = SimulatorConfiguration()
        configuration.basePort = 20_000
        #expect(SimulatedProvider.allCases.map(configuration.port(for:)) == [20_000, 20_001, 20_002, 20_003, 20_004])
    }
}
