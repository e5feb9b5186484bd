import Basics
import Money
import Yams

/// Reads typed fields out of a composed YAML tree, reporting each problem as `file:line` in a
/// shared `ProblemLog` instead of stopping at the first. Values come from the scalar's text, so a
/// price such as `0.10` is read as a decimal, never as a floating-point number.
struct YAMLFieldReader {
    let file: String
    let log: ProblemLog

    func line(_ node: Node) -> Int { node.mark?.line ?? 0 }

    func problem(_ node: Node, _ message: String) {
        log.add(file, line(node), message)
    }

    func warning(line: Int, _ message: String) {
        log.warn(file, line, message)
    }

    /// The line of `key` in a mapping: where a block value is introduced (the value's own line
    /// is that of its first entry).
    func keyLine(_ key: String, in node: Node) -> Int {
        if case .mapping(let mapping) = node {
            for (candidate, value) in mapping where candidate.scalar?.string == key {
                return candidate.mark?.line ?? line(value)
            }
        }
        return line(node)
    }

    /// The mapping's fields by key; unknown keys and non-text keys are reported.
    func fields(_ node: Node, of what: String, allowed: Set<String>) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            problem(node, "\(what) must be a mapping of keys to values")
            return nil
        }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                problem(key, "\(what) has a key that is not text")
                continue
            }
            guard allowed.contains(scalar.string) else {
                problem(
                    key,
                    "unknown key '\(scalar.string)' in \(what); allowed: \(allowed.sorted().joined(separator: ", "))")
                continue
            }
            result[scalar.string] = value
        }
        return result
    }

    /// The value of a key that must be present; reports it missing at the mapping's line.
    func required(_ key: String, in fields: [String: Node], of what: String, at owner: Node) -> Node? {
        guard let value = fields[key], !isNull(value) else {
            problem(owner, "\(what) is missing '\(key)'")
            return nil
        }
        return value
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node { return scalar.string.isEmpty && scalar.style == .plain }
        return false
    }

    func text(_ node: Node, of what: String) -> String? {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            problem(node, "\(what) must be non-empty text")
            return nil
        }
        return scalar.string
    }

    func list(_ node: Node, of what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            problem(node, "\(what) must be a list")
            return nil
        }
        guard !sequence.isEmpty else {
            problem(node, "\(what) must not be empty")
            return nil
        }
        return Array(sequence)
    }

    func integer(_ node: Node, of what: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = text(node, of: what) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            problem(node, "\(what) must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
            return nil
        }
        return value
    }

    func flag(_ node: Node, of what: String) -> Bool? {
        switch text(node, of: what) {
        case "true": return true
        case "false": return false
        case nil: return nil
        case let other?:
            problem(node, "\(what) must be true or false, got '\(other)'")
            return nil
        }
    }

    /// A calendar day written `YYYY-MM-DD`.
    func day(_ node: Node, of what: String) -> CalendarDay? {
        guard let text = text(node, of: what) else { return nil }
        guard let day = CalendarDay(iso: text) else {
            problem(node, "\(what) is not a valid date (YYYY-MM-DD): '\(text)'")
            return nil
        }
        return day
    }

    /// A USD price, parsed exactly into micro-USD; must be positive and at most
    /// `PricingLimits.rateMicrosMax`.
    func price(_ node: Node, of what: String) -> Int64? {
        guard let text = text(node, of: what) else { return nil }
        let micros: Int64
        do {
            micros = try DecimalAmount.micros(from: text)
        } catch {
            problem(node, "\(what) is not a USD amount with at most 6 decimals: '\(text)' (\(error))")
            return nil
        }
        guard micros > 0 else {
            problem(node, "\(what) must be greater than zero, got '\(text)'")
            return nil
        }
        guard micros <= PricingLimits.rateMicrosMax else {
            problem(node, "\(what) is above the USD \(PricingLimits.rateMicrosMax / 1_000_000) limit: '\(text)'")
            return nil
        }
        return micros
    }

    /// `source`, `as_of`, `inferred` and `reason` of a figure. Fields left out are inherited from
    /// `inherited` (a rate inherits its price sheet's); without it they are required.
    func provenance(_ fields: [String: Node], at owner: Node, of what: String, inherited: Provenance?) -> Provenance? {
        let source = fields["source"].flatMap { text($0, of: "\(what) source") } ?? inherited?.source
        let asOf = fields["as_of"].flatMap { day($0, of: "\(what) as_of") } ?? inherited?.asOf
        if source == nil && fields["source"] == nil { problem(owner, "\(what) is missing 'source'") }
        if asOf == nil && fields["as_of"] == nil { problem(owner, "\(what) is missing 'as_of'") }
        let inferred = fields["inferred"].flatMap { flag($0, of: "\(what) inferred") }
        let reasonText = fields["reason"].flatMap { text($0, of: "\(what) reason") }
        var reason = inherited?.inferredReason
        switch (inferred, reasonText) {
        case (true?, let text?): reason = text
        case (true?, nil): problem(owner, "\(what) is inferred: true but gives no 'reason'")
        case (false?, nil): reason = nil
        case (_, _?): problem(owner, "\(what) gives a 'reason' without inferred: true")
        case (nil, nil): break
        }
        guard let source, let asOf else { return nil }
        return Provenance(source: source, asOf: asOf, inferredReason: reason)
    }
}
