import Ledger
import Logging
import ServiceLifecycle

/// Keeps the journal's month tables ahead of time inside `videoledger serve`: at start, then
/// every `intervalMilliseconds`, the current month and `TransferMonths.monthsAhead` more exist.
/// A failure is logged and retried at the next tick; meanwhile writes still land (in
/// `transfers_default`, moved into their month once it exists). Returns normally on graceful
/// shutdown.
struct TransferMonthsService: Service {
    static let intervalMilliseconds = 3_600_000

    let months: TransferMonths
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let created = try await months.ensureAhead()
                    if created > 0 { logger.notice("transfer months created", metadata: ["count": "\(created)"]) }
                } catch {
                    logger.error("creating transfer months failed; retrying next hour", metadata: ["error": "\(error)"])
                }
                do {
                    try await Task.sleep(for: .milliseconds(Self.intervalMilliseconds))
                } catch {
                    return
                }
            }
        }
    }
}
