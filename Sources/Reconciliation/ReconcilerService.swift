import Foundation
import Jobs
import Logging
import ServiceLifecycle

/// Reconciliation on a schedule inside `videoledger serve`: every `intervalMilliseconds`, the
/// period since the previous run. Returns normally on graceful shutdown.
public struct ReconcilerService: Service {
    public let reconciler: Reconciler
    public let intervalMilliseconds: Int
    let logger: Logger

    public init(reconciler: Reconciler, intervalMilliseconds: Int = 3_600_000, logger: Logger = Logger(label: "videoledger.reconciler")) {
        precondition(intervalMilliseconds >= 1_000, "reconcile at most once a second")
        self.reconciler = reconciler
        self.intervalMilliseconds = intervalMilliseconds
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var from = Date()
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: .milliseconds(intervalMilliseconds))
                } catch {
                    return
                }
                let to = Date()
                do {
                    _ = try await reconciler.run(from: from, to: to, trigger: "schedule")
                    from = to
                } catch {
                    logger.error("scheduled reconciliation failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
