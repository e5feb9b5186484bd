import CLibPQ

/// A connection string made fit for a PostgreSQL command-line tool (`pg_dump`, `pg_restore`):
/// libpq parses it, and the password, if any, moves out of the arguments (which any local user
/// can read in `ps`) into the `PGPASSWORD` variable of the tool's own environment.
public struct ToolConnection: Sendable {
    /// `key='value' …`, without a password.
    public let conninfo: String
    /// Variables to add to the tool's environment.
    public let environment: [String: String]

    /// Nil when libpq cannot parse `connectionString`; its message is not kept, since it may
    /// quote the string.
    public init?(_ connectionString: String) {
        guard let options = PQconninfoParse(connectionString, nil) else { return nil }
        defer { PQconninfoFree(options) }
        var pairs: [String] = []
        var environment: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                let key = String(cString: keyword)
                let text = String(cString: value)
                if key == "password" {
                    environment["PGPASSWORD"] = text
                } else {
                    pairs.append("\(key)=\(EmbeddedCluster.quoted(text))")
                }
            }
            option += 1
        }
        self.conninfo = pairs.joined(separator: " ")
        self.environment = environment
    }
}
