import Foundation
import Logging
import ProviderRegistry
import ServiceLifecycle

/// Scorecard refreshes on a schedule inside `videoledger serve`: one at start, then every
/// `intervalMilliseconds`. A failed refresh keeps the scorecard in force and is logged. Returns
/// normally on graceful shutdown.
public struct ScorecardService: Service {
    public let board: ScorecardBoard
    public let reader: ScorecardReader
    public let intervalMilliseconds: Int
    let clock: JobClock
    let logger: Logger

    public init(
        board: ScorecardBoard, reader: ScorecardReader, intervalMilliseconds: Int = 300_000, clock: JobClock = .system,
        logger: Logger = Logger(label: "videoledger.scorecards")
    ) {
        precondition(intervalMilliseconds >= 1_000, "refresh at most once a second")
        self.board = board
        self.reader = reader
        self.intervalMilliseconds = intervalMilliseconds
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let scorecard = try await board.refresh(with: reader, asOf: clock.now)
                    logger.debug(
                        "scorecards refreshed",
                        metadata: ["generation": "\(scorecard.generation)", "rows": "\(scorecard.rows.count)"])
                } catch {
                    logger.error(
                        "scorecard refresh failed; the previous one stays in force", metadata: ["error": "\(error)"])
                }
                do {
                    try await Task.sleep(for: .milliseconds(intervalMilliseconds))
                } catch {
                    return
                }
            }
        }
    }
}
