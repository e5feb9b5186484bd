import Basics
import Foundation
import Logging
import ProviderRegistry
import ServiceLifecycle

/// Scorecard refreshes on a schedule inside `videoledger serve`: at start, then at every
/// boundary of `intervalMilliseconds` periods aligned to the clock (every five minutes: 10:00,
/// 10:05, …), each as of the latest boundary. Every instance refreshes as of the same instants,
/// so `SharedScorecards` computes each once for all of them. A failed refresh keeps the
/// scorecard in force and is logged. Returns normally on graceful shutdown.
public struct ScorecardService: Service {
    public let board: ScorecardBoard
    public let shared: SharedScorecards
    public let intervalMilliseconds: Int
    let clock: JobClock
    let logger: Logger

    public init(
        board: ScorecardBoard, shared: SharedScorecards, intervalMilliseconds: Int = 300_000,
        clock: JobClock = .system, logger: Logger = Logger(label: "videoledger.scorecards")
    ) {
        precondition(intervalMilliseconds >= 1_000, "refresh at most once a second")
        self.board = board
        self.shared = shared
        self.intervalMilliseconds = intervalMilliseconds
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let asOf = ClockPeriods.latestBoundary(
                    atOrBefore: clock.now, intervalMilliseconds: intervalMilliseconds)
                do {
                    let outcome = try await shared.scorecard(asOf: asOf, generation: board.nextGeneration())
                    board.publish(outcome.scorecard)
                    logger.debug(
                        "scorecards refreshed",
                        metadata: [
                            "generation": "\(outcome.scorecard.generation)", "rows": "\(outcome.scorecard.rows.count)",
                            "computed_here": "\(outcome.computedHere)",
                        ])
                } catch {
                    logger.error(
                        "scorecard refresh failed; the previous one stays in force", metadata: ["error": "\(error)"])
                }
                let next = asOf.addingTimeInterval(Double(intervalMilliseconds) / 1_000)
                do {
                    try await Task.sleep(for: .milliseconds(max(1, Int(next.timeIntervalSince(clock.now) * 1_000))))
                } catch {
                    return
                }
            }
        }
    }
}
