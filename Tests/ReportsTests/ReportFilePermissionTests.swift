import Foundation
import Testing

@testable import Reports

/// Report files hold per-user spend: created 0600 (narrowed further by the umask), never through
/// a link, and replaced in one step on a re-run.
@Suite struct ReportFilePermissionTests {
    static func folder() throws -> String {
        let path = "/tmp/videoledger-report-perm-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode
    }

    @Test func filesArePrivateAndLinksAreReplacedNotFollowed() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/elsewhere.txt"
        FileManager.default.createFile(
            atPath: target, contents: Data("untouched".utf8), attributes: [.posixPermissions: 0o644])
        // Someone planted a link where the report goes.
        try FileManager.default.createSymbolicLink(atPath: folder + "/report.csv", withDestinationPath: target)

        for run in 0..<2 {
            let file = try OutputFile(directory: folder, name: "report.csv")
            try file.append("run \(run)\n")
            _ = try file.finish()
            try file.publish()
            let mode = try #require(Self.mode(folder + "/report.csv"))
            #expect(mode & S_IFMT == S_IFREG, "the link was replaced by a file")
            #expect(mode & 0o777 == 0o600)
            #expect(try String(contentsOfFile: folder + "/report.csv", encoding: .utf8) == "run \(run)\n")
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "untouched")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func aTemporaryNameAlreadyTakenIsNeverWrittenThrough() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/victim.txt"
        FileManager.default.createFile(atPath: target, contents: Data("untouched".utf8))
        let planted = folder + "/.planted.tmp"
        try FileManager.default.createSymbolicLink(atPath: planted, withDestinationPath: target)
        #expect(throws: ReportError.self) {
            _ = try OutputFile(directory: folder, name: "x.csv", temporaryPath: planted)
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "untouched")
    }
}
