import Foundation
import Postgres

#if canImport(Glibc)
    import Glibc
#endif

/// The first admin token of a new installation, so the README's examples work out of the box.
///
/// Made only while no token is active. Concurrent starts (two `serve` processes on one
/// database) take turns under a transaction-scoped advisory lock, so exactly one makes the
/// token. The token row and its file are written in one transaction: the file (mode 0600,
/// created with `O_EXCL|O_NOFOLLOW` in a folder made 0700) is written before the commit, and a
/// failed write rolls the row back, so nothing is left to block a later start. The value goes
/// to the file only, never to a log.
public enum AdminTokenBootstrap {
    public enum Outcome: Sendable, Equatable {
        /// A token was made under this name; its value is in the file.
        case created(name: String)
        /// At least one token is active: nothing was done.
        case tokensExist
    }

    /// `pg_advisory_xact_lock` key: "vl-admin" in ASCII.
    static let lockKey: Int64 = 0x766C_2D61_646D_696E

    public static func ensure(pool: PostgresPool, file path: String) async throws -> Outcome {
        try await pool.transaction(attemptsMax: 1) { session -> Outcome in
            _ = try session.query("SELECT pg_advisory_xact_lock($1)", [lockKey])
            let active: Int64 = try session.query("SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL")[0].decode(
                0)
            guard active == 0 else { return .tokensExist }
            // "admin", or the first free "admin-N" when revoked tokens hold the name.
            let taken = Set(
                try session.query("SELECT name FROM api_tokens WHERE name = 'admin' OR name LIKE 'admin-%'")
                    .map { try $0.decode(0, as: String.self) })
            let name =
                (["admin"] + (2...1_000).map { "admin-\($0)" }).first { !taken.contains($0) }
                ?? "admin-\(UUID().uuidString.prefix(8))"
            let token = TokenStore.generate()
            try session.execute(
                "INSERT INTO api_tokens (name, token_sha256, scope) VALUES ($1, $2, 'admin')",
                [name, TokenStore.sha256Hex(token)])
            // Blocking file I/O here runs on the connection's own thread, not the cooperative pool.
            try SecretFile.write(token + "\n", to: path)
            return .created(name: name)
        }
    }
}

/// Writes a secret to a file only this user can read, safely against links and races.
public enum SecretFile {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The folder is created 0700 when missing, or made 0700 when it is this user's; a folder
    /// of another user, or a link in its place, is refused. An existing regular file at `path`
    /// is replaced (the folder is private, so nobody else can race it); a link there is
    /// refused. The file is created with `O_CREAT|O_EXCL|O_NOFOLLOW` at mode 0600 and synced;
    /// a failed write removes it.
    public static func write(_ contents: String, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        guard !name.isEmpty, name != ".", name != ".." else {
            throw Failure(description: "'\(path)' is not a file path")
        }
        try preparePrivateFolder(folder.isEmpty ? "." : folder)
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw Failure(description: "\(path) exists and is not a regular file; not replacing it")
            }
            guard unlink(path) == 0 else { throw Failure(description: "cannot replace \(path): \(lastError())") }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot create \(path): \(lastError())") }
        let bytes = Array(contents.utf8)
        var offset = 0
        var failure: String?
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                failure = lastError()
                break
            }
            offset += written
        }
        if failure == nil && fsync(descriptor) != 0 { failure = lastError() }
        if close(descriptor) != 0 && failure == nil { failure = lastError() }
        if let failure {
            unlink(path)
            throw Failure(description: "cannot write \(path): \(failure)")
        }
    }

    static func preparePrivateFolder(_ folder: String) throws {
        var info = stat()
        if lstat(folder, &info) != 0 {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw Failure(description: "cannot create the folder \(folder): \(error.localizedDescription)")
            }
            guard lstat(folder, &info) == 0 else {
                throw Failure(description: "cannot read the folder \(folder): \(lastError())")
            }
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw Failure(description: "\(folder) is not a folder (or is a link); not writing a secret into it")
        }
        guard info.st_uid == geteuid() else {
            throw Failure(description: "\(folder) belongs to another user; not writing a secret into it")
        }
        if info.st_mode & 0o777 != 0o700 {
            guard chmod(folder, 0o700) == 0 else {
                throw Failure(description: "cannot make \(folder) private: \(lastError())")
            }
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
