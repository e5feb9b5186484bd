/// A CAIP-122 "Sign in with X" message, rendered exactly as AIMO's SDK (`createSIWxMessage`)
/// and SIWE (EIP-4361) lay it out, since the server rebuilds the text to check the signature.
public struct CAIP122Message: Sendable, Equatable {
    public var domain: String
    public var address: String
    public var statement: String?
    public var uri: String
    public var version: String
    /// CAIP-2 chain id: `solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp`, `eip155:8453`.
    public var chainID: String
    public var nonce: String?
    /// ISO-8601 UTC, e.g. `2026-01-01T00:00:00.000Z`.
    public var issuedAt: String?
    public var expirationTime: String
    public var notBefore: String?
    public var requestID: String?
    public var resources: [String]

    /// Solana mainnet's CAIP-2 id.
    public static let solanaMainnet = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"

    public init(
        domain: String, address: String, statement: String? = nil, uri: String, version: String = "1",
        chainID: String, nonce: String? = nil, issuedAt: String? = nil, expirationTime: String,
        notBefore: String? = nil, requestID: String? = nil, resources: [String] = []
    ) {
        self.domain = domain
        self.address = address
        self.statement = statement
        self.uri = uri
        self.version = version
        self.chainID = chainID
        self.nonce = nonce
        self.issuedAt = issuedAt
        self.expirationTime = expirationTime
        self.notBefore = notBefore
        self.requestID = requestID
        self.resources = resources
    }

    /// "Ethereum" for `eip155:*`, "Solana" for `solana:*`, else the namespace capitalized.
    public var chainName: String {
        if chainID.hasPrefix("eip155:") { return "Ethereum" }
        if chainID.hasPrefix("solana:") { return "Solana" }
        let namespace = chainID.split(separator: ":").first.map(String.init) ?? chainID
        return namespace.prefix(1).uppercased() + namespace.dropFirst()
    }

    /// The text that is signed: lines joined by "\n", no trailing newline.
    public var text: String {
        var lines = ["\(domain) wants you to sign in with your \(chainName) account:", address, ""]
        if let statement, !statement.isEmpty {
            lines += [statement, ""]
        }
        lines += ["URI: \(uri)", "Version: \(version)", "Chain ID: \(chainID)"]
        if let nonce, !nonce.isEmpty { lines.append("Nonce: \(nonce)") }
        if let issuedAt, !issuedAt.isEmpty { lines.append("Issued At: \(issuedAt)") }
        lines.append("Expiration Time: \(expirationTime)")
        if let notBefore, !notBefore.isEmpty { lines.append("Not Before: \(notBefore)") }
        if let requestID, !requestID.isEmpty { lines.append("Request ID: \(requestID)") }
        if !resources.isEmpty {
            lines.append("Resources:")
            lines += resources.map { "- \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
