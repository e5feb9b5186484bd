import Crypto
import Foundation

/// Idempotency keys for ledger operations built from caller input: unique per (user, caller's
/// key), and never longer than the ledger's 200 characters.
public enum LedgerKeys {
    /// The key of a top-up a caller identified by `key` for `userID`.
    ///
    /// `credit:<user>:<key>`, the form used since the first version, whenever that is
    /// unambiguous and fits: the user id has no `:` (so the user is the text up to the first
    /// colon after `credit:`) and the whole is at most 200 characters. Otherwise
    /// `credit-sha256:` and the SHA-256 of the length-prefixed pair, which can neither collide
    /// with another pair nor with the plain form (a different prefix), nor overflow. Keys
    /// already in the ledger keep their meaning: a retry of a top-up made before this rule
    /// finds its operation.
    public static func topUp(userID: String, key: String) -> String {
        let plain = "credit:\(userID):\(key)"
        if !userID.contains(":") && plain.count <= 200 { return plain }
        let digest = SHA256.hash(data: Data("\(userID.utf8.count):\(userID)\(key)".utf8))
        return "credit-sha256:" + digest.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
