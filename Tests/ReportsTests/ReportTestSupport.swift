import Foundation
import Money
import Postgres
import Reports
import TestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

enum ReportTestSupport {
    static let reportsDirectory = TestDatabase.repositoryRoot + "/reports"

    /// How many sections the shipped nightly definitions have: tests read it, never hard-code it.
    static var nightlySectionCount: Int {
        (try? ReportDefinitions.load(directory: reportsDirectory, kind: .nightly).sections.count) ?? -1
    }

    static func temporaryDirectory(_ purpose: String = "out") -> String {
        let path = "/tmp/videoledger-reports-test-\(getpid())-\(purpose)-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func runner(_ pool: PostgresPool, definitions: String = reportsDirectory) -> ReportRunner {
        ReportRunner(pool: pool, definitionsDirectory: definitions)
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw TestFailure("cannot read \(path)") }
        return [UInt8](data)
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try bytes(path), as: UTF8.self)
    }

    /// A CSV file as records of fields (RFC 4180: CRLF records, quoted fields with doubled quotes).
    /// Fails on a bare LF outside quotes, so the test also proves the line endings.
    static func csv(_ path: String) throws -> [[String]] {
        let text = try self.text(path)
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var index = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let next = scalars.index(after: index)
            if quoted {
                if scalar == "\"" {
                    if next < scalars.endIndex && scalars[next] == "\"" {
                        field.unicodeScalars.append("\"")
                        index = scalars.index(after: next)
                        continue
                    }
                    quoted = false
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" && field.isEmpty {
                quoted = true
            } else if scalar == "," {
                record.append(field)
                field = ""
            } else if scalar == "\r" {
                guard next < scalars.endIndex, scalars[next] == "\n" else {
                    throw TestFailure("CR without LF in \(path)")
                }
                record.append(field)
                records.append(record)
                record = []
                field = ""
                index = scalars.index(after: next)
                continue
            } else if scalar == "\n" {
                throw TestFailure("bare LF in \(path)")
            } else {
                field.unicodeScalars.append(scalar)
            }
            index = next
        }
        guard record.isEmpty && field.isEmpty else { throw TestFailure("last record of \(path) lacks CRLF") }
        return records
    }

    /// CSV records as dictionaries keyed by the header.
    static func csvRows(_ path: String) throws -> [[String: String]] {
        let records = try csv(path)
        guard let header = records.first else { throw TestFailure("\(path) has no header") }
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(bytes(path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestFailure("\(path) is not a JSON object")
        }
        return object
    }

    static func jsonSection(_ document: [String: Any], _ name: String) throws -> [String: Any] {
        let sections = document["sections"] as? [[String: Any]] ?? []
        guard let section = sections.first(where: { $0["name"] as? String == name }) else {
            throw TestFailure("no section \(name)")
        }
        return section
    }

    static func micros(_ text: String?) throws -> Int64 {
        guard let text else { throw TestFailure("missing amount") }
        return try DecimalAmount.micros(from: text)
    }

    /// Sum of a money column over CSV rows, optionally for one user.
    static func csvSum(
        _ rows: [[String: String]], _ column: String, where keep: ([String: String]) -> Bool = { _ in true }
    ) throws -> Int64 {
        try rows.filter(keep).reduce(0) { $0 + (try micros($1[column])) }
    }

    static func jsonSum(_ section: [String: Any], _ column: String, where keep: ([String: Any]) -> Bool = { _ in true })
        throws -> Int64
    {
        let rows = section["rows"] as? [[String: Any]] ?? []
        return try rows.filter(keep).reduce(0) { $0 + (try micros($1[column] as? String)) }
    }

    /// Ledger sums straight from transfers, as an auditor would write them.
    static func ledgerSpend(_ pool: PostgresPool, from: Int64, to: Int64, user: String? = nil) async throws -> Int64 {
        try await pool.withSession { session in
            try session.query(
                """
                SELECT coalesce(sum(amount_micros), 0)::bigint FROM transfers
                WHERE kind IN ('capture', 'excess') AND created_at >= $1 AND created_at < $2 AND ($3::text IS NULL OR user_id = $3)
                """,
                [PostgresTimestamp(microsecondsSinceEpoch: from), PostgresTimestamp(microsecondsSinceEpoch: to), user])[
                    0
                ].decode(0)
        }
    }

    /// Parses the HTML page as XML; returns the element names seen, or throws on the first error.
    static func parseXML(_ path: String) throws -> [String] {
        let parser = XMLParser(data: try Data(bytes(path)))
        let delegate = ElementCollector()
        parser.delegate = delegate
        guard parser.parse() else {
            throw TestFailure(
                "not well-formed: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)")
        }
        return delegate.elements
    }

    final class ElementCollector: NSObject, XMLParserDelegate {
        var elements: [String] = []
        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append(elementName)
        }
    }

    static func sha256(_ pool: PostgresPool, path: String) async throws -> String {
        let hex = try bytes(path).map { String(format: "%02x", $0) }.joined()
        return try await pool.withSession { session in
            try session.query("SELECT encode(sha256(decode($1, 'hex')), 'hex')", [hex])[0].decode(0)
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Shares one seeded month among the tests that only read it (each run adds a report_runs row,
/// which no report reads).
actor SharedMonth {
    static let shared = SharedMonth()
    private var seeded: Task<SeededMonth, any Error>?

    func month() async throws -> SeededMonth {
        if let seeded { return try await seeded.value }
        let task = Task {
            let month = try await SeededMonth.make()
            try await month.addDriftSnapshots()
            return month
        }
        seeded = task
        return try await task.value
    }
}
