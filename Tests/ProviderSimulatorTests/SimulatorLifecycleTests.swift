import ProviderRegistry
import Testing

@testable import ProviderSimulator

@Suite struct SimulatorLifecycleTests {
    @Test func startsOnFreePortsReportsThemAndStops() async throws {
        let running = try await ProviderSimulator.start(.ephemeralPorts())
        let ports = running.ports
        let count = ProviderID.allCases.count
        #expect(ports.count == count && Set(ports.values).count == count && !ports.values.contains(0))
        #expect(running.baseURLs[.venice] == "http://127.0.0.1:\(ports[.venice] ?? 0)/api/v1")
        #expect(running.baseURLs[.nanoGPT] == "http://127.0.0.1:\(ports[.nanoGPT] ?? 0)")
        await running.stop()
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
        #expect(ProviderID.allCases.map(configuration.port(for:)) == Array(20_000..<20_000 + ProviderID.allCases.count))
    }
}

extension SimulatorLifecycleTests {
    /// A provider added to the registry needs a starting balance in `SimulatorConfiguration`,
    /// or its simulated submits would all be refused.
    @Test func everyProviderStartsWithABalance() {
        let configuration = SimulatorConfiguration()
        for provider in ProviderID.allCases {
            #expect(!(configuration.balancesMicros[provider] ?? [:]).isEmpty, "\(provider) has no starting balance")
        }
    }
}
