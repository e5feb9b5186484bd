import Foundation
import ProviderRegistry
import Synchronization

/// One simulated provider's memory: its jobs, balances, default scenario and fault rates, behind
/// a mutex. Bounded: at most `jobsMax` jobs are kept; the oldest settled ones make room.
final class SimulationState: Sendable {
    let provider: ProviderID
    let jobsMax: Int
    private let store: Mutex<Store>

    struct Store {
        var jobs: [String: SimJob] = [:]
        /// Ids, oldest first, from `jobOrderStart` on: the oldest leave by moving the start, not
        /// by shifting the whole array.
        var jobOrder: [String] = []
        var jobOrderStart = 0
        /// Unsettled jobs by the instant their outcome is due.
        var due = DueJobs()
        var balancesMicros: [String: Int64]
        /// Everything charged so far (AIGate's `token.used`).
        var spentMicros: Int64 = 0
        var defaults = Scenario()
        var faults = FaultRates()
        var random: SplitMix64
        var serial = 0
    }

    enum SubmitRefusal: Error, Equatable {
        case insufficientBalance(neededMicros: Int64, availableMicros: Int64)
        case full
    }

    init(provider: ProviderID, balancesMicros: [String: Int64], jobsMax: Int, seed: UInt64) {
        self.provider = provider
        self.jobsMax = jobsMax
        self.store = Mutex(Store(balancesMicros: balancesMicros, random: SplitMix64(seed: seed)))
    }

    static func nowUnixMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    /// The default scenario with the prompt's `sim:` pairs applied.
    func scenario(forPrompt prompt: String) -> Scenario {
        var scenario = store.withLock { $0.defaults }
        _ = scenario.apply(ScenarioText.pairs(inPrompt: prompt))
        return scenario
    }

    var faults: FaultRates { store.withLock { $0.faults } }

    /// A random fault for this request, per the configured rates.
    func drawFault() -> Scenario.Fault {
        store.withLock { store in store.faults.fault(forDraw: Int64(store.random.next(upperBound: UInt64(1_000_000)))) }
    }

    /// A fresh serial number for ids.
    func nextSerial() -> Int {
        store.withLock { store in
            store.serial += 1
            return store.serial
        }
    }

    /// Accepts a job: checks and (for precharging providers) takes the balance.
    func submit(
        id: String, model: String, requestedSeconds: Int, scenario: Scenario, currency: String,
        walletAuthenticated: Bool = false,
        reference: String = ""
    ) throws(SubmitRefusal) -> SimJob {
        let now = SimulationState.nowUnixMilliseconds()
        let estimate = scenario.prechargeMicros ?? Int64(requestedSeconds) * scenario.ratePerSecondMicros
        let chargesAtSubmit = provider.descriptor.billing.chargesAtSubmit
        let result: Result<SimJob, SubmitRefusal> = store.withLock { store in
            settleDue(&store, now: now)
            let available = store.balancesMicros[currency] ?? 0
            guard available >= estimate else {
                return .failure(.insufficientBalance(neededMicros: estimate, availableMicros: available))
            }
            precondition(store.jobs[id] == nil, "simulated job id \(id) issued twice")
            guard makeRoom(&store) else { return .failure(.full) }
            let precharge = chargesAtSubmit ? estimate : 0
            store.balancesMicros[currency] = available - precharge
            store.spentMicros += precharge
            let job = SimJob(
                id: id, model: model, requestedSeconds: requestedSeconds, createdAtUnixMilliseconds: now,
                scenario: scenario,
                currency: currency, prechargeMicros: precharge, walletAuthenticated: walletAuthenticated,
                reference: String(reference.prefix(SimulationState.referenceCharactersMax)))
            store.jobs[id] = job
            store.jobOrder.append(id)
            store.due.insert(id: id, dueAtUnixMilliseconds: now + scenario.completeAfterMilliseconds)
            return .success(job)
        }
        return try result.get()
    }

    /// The job as of now, settled if its outcome is due.
    func job(_ id: String) -> SimJob? {
        let now = SimulationState.nowUnixMilliseconds()
        return store.withLock { store in
            settleDue(&store, now: now)
            return store.jobs[id]
        }
    }

    /// Balances and the spent counter, after settling every job that is due.
    func balances() -> (balancesMicros: [String: Int64], spentMicros: Int64) {
        let now = SimulationState.nowUnixMilliseconds()
        return store.withLock { store in
            settleDue(&store, now: now)
            return (store.balancesMicros, store.spentMicros)
        }
    }

    var jobCount: Int { store.withLock { $0.jobs.count } }

    /// References are kept this short: they only trace jobs.
    static let referenceCharactersMax = 200

    /// Every kept job, oldest first, settled where due.
    func jobsSnapshot() -> [SimJob] {
        let now = SimulationState.nowUnixMilliseconds()
        return store.withLock { store in
            settleDue(&store, now: now)
            return store.jobOrder[store.jobOrderStart...].compactMap { store.jobs[$0] }
        }
    }

    /// Applies control pairs: scenario defaults, fault rates, and `balance_<currency>=` amounts.
    func configure(_ pairs: [(key: String, value: String)]) -> [String] {
        store.withLock { store in
            var ignored: [String] = []
            for (key, value) in pairs {
                if key.hasPrefix("balance_"), let micros = SimMoney.micros(value) {
                    store.balancesMicros[String(key.dropFirst("balance_".count)).uppercased()] = micros
                } else if !store.faults.apply(key: key, value: value) {
                    ignored += store.defaults.apply([(key, value)])
                }
            }
            return ignored
        }
    }

    /// Drops the oldest settled job when the store is full; false when none can go. The oldest
    /// is almost always settled; a long job at the front is stepped over (rare, and linear).
    private func makeRoom(_ store: inout Store) -> Bool {
        guard store.jobs.count >= jobsMax else { return true }
        let kept = store.jobOrder.indices.dropFirst(store.jobOrderStart)
        guard let index = kept.first(where: { store.jobs[store.jobOrder[$0]]?.settled ?? true }) else { return false }
        store.jobs[store.jobOrder[index]] = nil
        if index == store.jobOrderStart {
            store.jobOrderStart += 1
            if store.jobOrderStart * 2 > store.jobOrder.count {
                store.jobOrder.removeFirst(store.jobOrderStart)
                store.jobOrderStart = 0
            }
        } else {
            store.jobOrder.remove(at: index)
        }
        return true
    }

    /// Settles every job whose outcome is due at `now` (elapsed ≥ its scenario's time), each once.
    private func settleDue(_ store: inout Store, now: Int64) {
        while let id = store.due.popDue(atUnixMilliseconds: now) {
            guard var job = store.jobs[id], !job.settled,
                case .finished(let outcome) = job.phase(atUnixMilliseconds: now)
            else {
                preconditionFailure("simulated job \(id) was due at \(now) but is not an unsettled finished job")
            }
            let delta = balanceChange(job: job, outcome: outcome)
            store.balancesMicros[job.currency, default: 0] += delta.balance
            store.spentMicros -= delta.balance
            job.finalCostMicros = delta.finalCost
            job.settled = true
            store.jobs[id] = job
        }
    }

    /// How a finished job moves the balance, per the provider's charge policy.
    private func balanceChange(job: SimJob, outcome: Scenario.Outcome) -> (balance: Int64, finalCost: Int64) {
        let scenario = job.scenario
        let byDuration = Int64(job.billedSeconds) * scenario.ratePerSecondMicros
        switch provider.descriptor.billing {
        case .reportedPrecharge, .silentReserve:
            if outcome != .completed {
                return scenario.refund ? (job.prechargeMicros, 0) : (0, job.prechargeMicros)
            }
            // A reported precharge (NanoGPT) is adjusted to the duration billed after completion;
            // a silent reserve (Venice, AIMO) is kept.
            let final =
                scenario.finalCostMicros
                ?? (provider.descriptor.billing == .reportedPrecharge ? byDuration : job.prechargeMicros)
            return (job.prechargeMicros - final, final)
        case .atCompletion:
            let final = scenario.finalCostMicros ?? byDuration
            if outcome != .completed && scenario.refund { return (0, 0) }
            return (-final, final)
        }
    }
}
