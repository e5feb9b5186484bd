import Foundation
import Jobs
import Postgres

/// The opaque page cursor of `GET /v1/jobs`: the (created_at, id) of the last job on the page.
///
/// Encoded as base64url of `j1:<created_at microseconds since the Unix epoch>:<uuid>`. Exact to
/// the microsecond (PostgreSQL's own resolution), so the keyset comparison never skips or
/// repeats a job. Clients must treat it as opaque; the `j1` prefix lets the format change.
struct JobCursor: Sendable, Equatable {
    let position: JobPosition

    /// Longest cursor text accepted (a valid one is about 80 characters).
    static let charactersMax = 128

    var encoded: String {
        let plain = "j1:\(position.createdAt.microsecondsSinceEpoch):\(position.id.uuidString.lowercased())"
        return Data(plain.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(_ position: JobPosition) {
        self.position = position
    }

    init?(encoded text: String) {
        guard text.count <= Self.charactersMax,
            text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let plain = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = plain.split(separator: ":", omittingEmptySubsequences: false)
        // Only the canonical text this type writes: `+5` or `-0` are not cursors it returned.
        guard parts.count == 3, parts[0] == "j1", parts[1].count <= 20, let micros = Int64(parts[1]),
            String(micros) == parts[1],
            let id = UUID(uuidString: String(parts[2]))
        else { return nil }
        // A forged cursor may carry any Int64: only instants a job can have been created at
        // (1970 ..< 10000) reach SQL; the rest are refused like any other bad cursor.
        let createdAt = PostgresTimestamp(microsecondsSinceEpoch: micros)
        guard createdAt.isInAPIRange else { return nil }
        self.position = JobPosition(createdAt: createdAt, id: id)
    }
}
