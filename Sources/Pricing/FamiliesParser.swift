import ProviderRegistry
import Yams

/// One canonical family from `families.yaml`: its name and each provider's model for it.
struct ParsedFamily {
    struct Member {
        let provider: ProviderID
        let slug: String
        let quality: String?
        let line: Int
    }

    let id: String
    let name: String
    let members: [Member]
    let line: Int
}

/// Reads `families.yaml`: `families: { <family>: { name, providers: { <provider>: <slug> } } }`.
/// A provider's value is the slug, or `{slug, quality}` when a request option picks the tier, or
/// a list of those when the provider has several models for the family (a route per resolution).
struct FamiliesParser {
    let reader: YAMLFieldReader

    private static let familyKeys: Set = ["name", "providers", "note"]
    private static let memberKeys: Set = ["slug", "quality"]

    func parse(_ root: Node) -> [ParsedFamily] {
        guard let top = reader.fields(root, of: "families.yaml", allowed: ["families", "note"]),
            let familiesNode = reader.required("families", in: top, of: "families.yaml", at: root)
        else { return [] }
        guard case .mapping(let mapping) = familiesNode else {
            reader.problem(familiesNode, "families must map a family id to its providers")
            return []
        }
        var families: [ParsedFamily] = []
        for (key, value) in mapping {
            guard let id = reader.text(key, of: "family id") else { continue }
            guard id.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "." }) else {
                reader.problem(key, "family id '\(id)' must use lowercase letters, digits, '-' and '.'")
                continue
            }
            if let family = parseFamily(id: id, key: key, value) { families.append(family) }
        }
        return families
    }

    private func parseFamily(id: String, key: Node, _ node: Node) -> ParsedFamily? {
        let what = "family '\(id)'"
        guard let fields = reader.fields(node, of: what, allowed: Self.familyKeys) else { return nil }
        let name = reader.required("name", in: fields, of: what, at: key).flatMap {
            reader.text($0, of: "\(what) name")
        }
        guard let providersNode = fields["providers"], case .mapping(let providers) = providersNode, !providers.isEmpty
        else {
            reader.problem(fields["providers"] ?? key, "\(what) has no provider")
            return nil
        }
        var members: [ParsedFamily.Member] = []
        for (providerKey, memberNode) in providers {
            guard let providerName = reader.text(providerKey, of: "\(what) provider") else { continue }
            guard let provider = ProviderID(rawValue: providerName) else {
                reader.problem(
                    providerKey,
                    "\(what) names unknown provider '\(providerName)'; accepted: "
                        + ProviderID.allCases.map(\.rawValue).joined(separator: ", "))
                continue
            }
            if case .sequence(let list) = memberNode {
                // Several models of one provider make the family, e.g. a route per resolution.
                guard !list.isEmpty else {
                    reader.problem(memberNode, "\(what) at \(provider.rawValue) lists no model")
                    continue
                }
                members += list.compactMap { parseMember($0, provider: provider, of: what) }
            } else if let member = parseMember(memberNode, provider: provider, of: what) {
                members.append(member)
            }
        }
        guard let name, !members.isEmpty else { return nil }
        return ParsedFamily(id: id, name: name, members: members, line: reader.line(key))
    }

    private func parseMember(_ node: Node, provider: ProviderID, of what: String) -> ParsedFamily.Member? {
        let owner = "\(what) at \(provider.rawValue)"
        if case .scalar = node {
            return reader.text(node, of: "\(owner) slug").map {
                ParsedFamily.Member(provider: provider, slug: $0, quality: nil, line: reader.line(node))
            }
        }
        guard let fields = reader.fields(node, of: owner, allowed: Self.memberKeys),
            let slug = reader.required("slug", in: fields, of: owner, at: node).flatMap({
                reader.text($0, of: "\(owner) slug")
            })
        else { return nil }
        let quality = fields["quality"].flatMap { reader.text($0, of: "\(owner) quality") }
        return ParsedFamily.Member(provider: provider, slug: slug, quality: quality, line: reader.line(node))
    }
}
