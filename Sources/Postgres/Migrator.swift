import Foundation

/// Applies `migrations/NNNN_name.sql` files in order, each in its own transaction, and records
/// each with a SHA-256 checksum of its text. A recorded migration whose file changed afterwards
/// stops everything: the schema must never silently drift from the files.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    public enum State: String, Sendable {
        case applied, pending, edited
        case missingFile = "missing file"
    }

    public struct Status: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let state: State
    }

    public enum MigrationError: Error, CustomStringConvertible, Equatable {
        case badFileName(String)
        case duplicateVersion(Int)
        case edited(version: Int, name: String)
        case missingFile(version: Int, name: String)
        case unreadable(String)

        public var description: String {
            switch self {
            case .badFileName(let name): return "migration file '\(name)' is not named NNNN_name.sql"
            case .duplicateVersion(let version): return "two migration files have version \(version)"
            case .edited(let version, let name):
                return "migration \(version) (\(name)) was edited after it was applied; add a new migration instead"
            case .missingFile(let version, let name):
                return "applied migration \(version) (\(name)) has no file any more"
            case .unreadable(let path): return "cannot read migrations from \(path)"
            }
        }
    }

    /// Serializes migrators across processes (`pg_advisory_xact_lock` key).
    static let advisoryLockKey: Int64 = 0x5649_4445_4F4C_4447

    public let pool: PostgresPool
    public let directory: String

    public init(pool: PostgresPool, directory: String) {
        self.pool = pool
        self.directory = directory
    }

    /// The migration files, in version order.
    public func migrations() throws -> [Migration] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw MigrationError.unreadable(directory)
        }
        var migrations: [Migration] = []
        for name in names.sorted() where name.hasSuffix(".sql") {
            let stem = name.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw MigrationError.badFileName(name)
            }
            guard let sql = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8) else {
                throw MigrationError.unreadable(directory + "/" + name)
            }
            if migrations.contains(where: { $0.version == version }) { throw MigrationError.duplicateVersion(version) }
            migrations.append(
                Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        return migrations
    }

    /// Every migration with its state, without changing anything.
    public func status() async throws -> [Status] {
        let files = try migrations()
        return try await pool.withSession { session in try Self.statuses(files, session: session) }
    }

    /// Applies the pending migrations and returns them. Refuses to start if any applied migration
    /// was edited or lost its file.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        let files = try migrations()
        return try await pool.withSession { session in
            try session.transaction { session in
                try session.execute("SELECT pg_advisory_xact_lock($1)", [Self.advisoryLockKey])
                let statuses = try Self.statuses(files, session: session)
                if let edited = statuses.first(where: { $0.state == .edited }) {
                    throw MigrationError.edited(version: edited.version, name: edited.name)
                }
                if let missing = statuses.first(where: { $0.state == .missingFile }) {
                    throw MigrationError.missingFile(version: missing.version, name: missing.name)
                }
                let pending = Set(statuses.filter { $0.state == .pending }.map(\.version))
                let toApply = files.filter { pending.contains($0.version) }
                for migration in toApply {
                    try session.executeScript(migration.sql)
                    try session.execute(
                        """
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES ($1, $2, encode(sha256(convert_to($3, 'UTF8')), 'hex'))
                        """,
                        [migration.version, migration.name, migration.sql])
                }
                return toApply
            }
        }
    }

    private static func statuses(_ files: [Migration], session: PostgresSession) throws -> [Status] {
        try session.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let applied = try session.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
        var recorded: [Int: (name: String, checksum: String)] = [:]
        for row in applied {
            recorded[try row.decode(0)] = (try row.decode(1), try row.decode(2))
        }
        var statuses: [Status] = []
        for file in files {
            guard let record = recorded.removeValue(forKey: file.version) else {
                statuses.append(Status(version: file.version, name: file.name, state: .pending))
                continue
            }
            let checksum: String = try session.query(
                "SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", [file.sql])[0].decode(0)
            statuses.append(
                Status(version: file.version, name: file.name, state: checksum == record.checksum ? .applied : .edited))
        }
        for (version, record) in recorded.sorted(by: { $0.key < $1.key }) {
            statuses.append(Status(version: version, name: record.name, state: .missingFile))
        }
        return statuses
    }
}
