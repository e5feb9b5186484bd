import Foundation

/// Percent-encoding for ids placed in a URL path or query: a provider id is data, and must not
/// be able to change the path (`../`) or add query parameters.
enum PathSegment {
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
