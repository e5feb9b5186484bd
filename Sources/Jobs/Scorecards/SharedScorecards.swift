import Foundation
import Postgres

/// Scorecards computed once per instant for every instance on the database (migration 0021):
/// the first instance to claim an instant computes its scorecard in the claiming transaction and
/// stores the rows; every other instance reads them. The computation is the costly part (30
/// days of jobs read with their percentiles, `ScorecardQuery`), so N instances cost the database
/// what one does.
///
/// A claim waits for another instance's uncommitted claim of the same instant: it then reads
/// that instance's rows, or, if that instance died and its claim rolled back, claims and
/// computes itself. So a scorecard is never lost to a crash, and never computed twice.
public struct SharedScorecards: Sendable {
    public let reader: ScorecardReader
    public let instanceID: String

    /// Stored instants kept: the instance that stores a new one deletes the older ones.
    public static let instantsKept = 3

    public struct Outcome: Sendable {
        public let scorecard: Scorecard
        /// This instance claimed the instant and ran the scorecard query.
        public let computedHere: Bool
    }

    public init(reader: ScorecardReader, instanceID: String) {
        precondition(!instanceID.isEmpty, "an instance needs an id to claim with")
        self.reader = reader
        self.instanceID = instanceID
    }

    /// The scorecard of the windows ending at `asOf`, numbered `generation`.
    public func scorecard(asOf: Date, generation: UInt64) async throws -> Outcome {
        let owner = instanceID
        let stored = try await reader.pool.transaction { session -> (rows: [ScorecardRow], claimed: Bool)? in
            let claimed =
                try session.execute(
                    "INSERT INTO scorecard_snapshots (as_of, computed_by) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    [asOf, owner]) == 1
            if claimed {
                try session.execute(
                    "INSERT INTO scorecard_rows SELECT $1::timestamptz, q.* FROM (\n" + ScorecardQuery.sql + "\n) q",
                    [asOf])
                try session.execute(
                    """
                    DELETE FROM scorecard_snapshots
                    WHERE as_of < ALL (SELECT as_of FROM scorecard_snapshots ORDER BY as_of DESC LIMIT $1)
                    """, [Int64(Self.instantsKept)])
            } else if try session.query("SELECT 1 FROM scorecard_snapshots WHERE as_of = $1", [asOf]).isEmpty {
                // Claimed and since deleted as too old: an instance whose clock lags far behind.
                return nil
            }
            return (try session.query(Self.storedRowsSQL, [asOf]).compactMap(ScorecardReader.row), claimed)
        }
        guard let stored else {
            return Outcome(scorecard: try await reader.compute(asOf: asOf, generation: generation), computedHere: true)
        }
        return Outcome(
            scorecard: reader.scorecard(stored.rows, asOf: asOf, generation: generation), computedHere: stored.claimed)
    }

    /// The stored rows of one instant, in the scorecard query's columns (its `name` stored as
    /// `window_name`) and order.
    static let storedRowsSQL = """
        SELECT \((["window_name"] + ScorecardQuery.columns.dropFirst()).joined(separator: ", "))
        FROM scorecard_rows
        WHERE as_of = $1
        ORDER BY array_position(ARRAY[\(windowNames)], window_name), provider COLLATE "C", family COLLATE "C"
        """

    private static let windowNames = ScorecardQuery.windows.map { "'\($0.name)'" }.joined(separator: ", ")
}
