import ProviderRegistry
import Yams

/// A provider model read from its book, before `families.yaml` gives it a family.
struct ParsedModel {
    let slug: String
    let quality: String?
    let line: Int
    let build: (_ family: String) -> PricedModel
}

/// A provider's book as read: the models that parsed cleanly, and the slugs of every entry (so a
/// family naming a model that failed to parse is not reported twice).
struct ParsedBook {
    var models: [ParsedModel] = []
    /// `key(slug, quality)` of every entry, parsed or not.
    var slugsSeen: Set<String> = []

    static func key(_ slug: String, _ quality: String?) -> String { quality.map { "\(slug)\u{0}\($0)" } ?? slug }
}

/// Reads one provider's price book (`pricing/<provider>.yaml`) into model entries, reporting
/// every problem it finds. A model with any problem is left out of the result.
struct ProviderBookParser {
    let reader: YAMLFieldReader
    let provider: ProviderID

    private static let bookKeys: Set = ["provider", "models", "note"]
    private static let modelKeys: Set = [
        "slug", "quality", "modes", "audio", "retired_at", "retiring", "unrequestable", "note", "limits", "prices",
    ]
    private static let retiringKeys: Set = ["date", "confirmed", "source", "as_of"]
    private static let unrequestableKeys: Set = ["audio"]
    private static let unrequestableAudioKeys: Set = ["renders", "reason"]
    static let conflictKeys: Set = ["reason", "others"]
    static let conflictFigureKeys: Set = ["price", "source", "as_of"]
    private static let limitKeys: Set = [
        "durations_seconds", "min_seconds", "max_seconds", "default_seconds", "billing_increment_seconds",
        "minimum_billed_seconds", "variants_max", "aspect_ratios", "source", "as_of", "inferred", "reason",
    ]
    private static let sheetKeys: Set = [
        "effective_from", "source", "as_of", "inferred", "reason", "audio_surcharge_per_second", "rates", "conflict",
    ]
    static let rateKeys: Set = [
        "per_second", "per_second_with_audio", "per_clip", "per_clip_with_audio", "source", "as_of", "inferred",
        "reason",
        "conflict",
    ]

    func parse(_ root: Node) -> ParsedBook {
        var result = ParsedBook()
        guard let book = reader.fields(root, of: "the price book", allowed: Self.bookKeys) else { return result }
        if let node = reader.required("provider", in: book, of: "the price book", at: root),
            let name = reader.text(node, of: "provider"), name != provider.rawValue
        {
            reader.problem(node, "provider is '\(name)' but the file is \(provider.rawValue).yaml")
        }
        guard let modelsNode = reader.required("models", in: book, of: "the price book", at: root),
            let models = reader.list(modelsNode, of: "models")
        else { return result }
        var seen: [String: Int] = [:]
        for node in models {
            if case .scalar(let slug)? = node["slug"] {
                result.slugsSeen.insert(ParsedBook.key(slug.string, node["quality"]?.scalar?.string))
            }
            guard let model = parseModel(node) else { continue }
            let key = model.quality.map { "\(model.slug) quality \($0)" } ?? model.slug
            if let first = seen[key] {
                reader.problem(node, "duplicate model '\(key)' (first at line \(first))")
                continue
            }
            seen[key] = model.line
            result.models.append(model)
        }
        return result
    }

    private func parseModel(_ node: Node) -> ParsedModel? {
        let before = reader.log.problems.count
        let named = node["slug"]?.scalar.map { "model '\($0.string)'" } ?? "a model"
        guard let fields = reader.fields(node, of: named, allowed: Self.modelKeys),
            let slug = reader.required("slug", in: fields, of: "a model", at: node)
                .flatMap({ reader.text($0, of: "slug") })
        else { return nil }
        let what = "model '\(slug)'"
        let quality = fields["quality"].flatMap { reader.text($0, of: "\(what) quality") }
        let modes = reader.required("modes", in: fields, of: what, at: node).flatMap { parseModes($0, of: what) }
        let audio = reader.required("audio", in: fields, of: what, at: node).flatMap { node -> AudioSupport? in
            guard let text = reader.text(node, of: "\(what) audio") else { return nil }
            guard let audio = AudioSupport(rawValue: text) else {
                reader.problem(node, "\(what) audio must be none, always or optional, got '\(text)'")
                return nil
            }
            return audio
        }
        var retiredOn = fields["retired_at"].flatMap { reader.day($0, of: "\(what) retired_at") }
        let retiring = fields["retiring"].flatMap { parseRetiring($0, of: what) }
        if let retiring {
            if fields["retired_at"] != nil {
                reader.problem(
                    fields["retiring"]!,
                    "\(what) has both retired_at and retiring; "
                        + "a confirmed retiring date already retires the model")
            } else if retiring.confirmed {
                retiredOn = retiring.on
            }
        }
        let unrequestableAudio = fields["unrequestable"].flatMap { parseUnrequestable($0, of: what, audio: audio) }
        let note = fields["note"].flatMap { reader.text($0, of: "\(what) note") }
        let limits = reader.required("limits", in: fields, of: what, at: node).flatMap { parseLimits($0, of: what) }
        var sheets: [PriceSheet] = []
        if let pricesNode = reader.required("prices", in: fields, of: what, at: node),
            let list = reader.list(pricesNode, of: "\(what) prices"), let audio, let limits
        {
            sheets = list.compactMap {
                parseSheet(
                    $0, of: what, audio: audio, durations: limits.durations, unrequestableAudio: unrequestableAudio)
            }
            for (earlier, later) in zip(sheets, sheets.dropFirst()) where later.effectiveFrom <= earlier.effectiveFrom {
                reader.problem(
                    pricesNode,
                    "\(what) prices must be in increasing effective_from order, "
                        + "\(later.effectiveFrom) follows \(earlier.effectiveFrom)")
            }
        }
        if let retiredOn, let first = sheets.first, retiredOn <= first.effectiveFrom {
            reader.problem(
                fields["retired_at"] ?? fields["retiring"] ?? node,
                "\(what) retirement \(retiredOn) is not after its first effective_from \(first.effectiveFrom)")
        }
        if let retiring {
            reader.warning(
                line: reader.keyLine("retiring", in: node),
                "\(what) is \(retiring.description): quotes priced from \(retiring.asOf) say so; "
                    + (retiring.confirmed
                        ? "from \(retiring.on) it is refused"
                        : "it stays offered after \(retiring.on) until the date is confirmed (set confirmed: true)"))
        }
        guard reader.log.problems.count == before, let modes, let audio, let limits else { return nil }
        let provider = self.provider
        let frozenSheets = sheets
        return ParsedModel(slug: slug, quality: quality, line: reader.line(node)) { family in
            PricedModel(
                provider: provider, slug: slug, quality: quality, family: family, modes: modes, audio: audio,
                durations: limits.durations, variantsMax: limits.variantsMax, aspectRatios: limits.aspectRatios,
                limitsProvenance: limits.provenance, retiredOn: retiredOn, retiring: retiring,
                unrequestableAudio: unrequestableAudio, sheets: frozenSheets, note: note)
        }
    }

    /// `retiring: {date, confirmed, source, as_of}`: an announced retirement.
    private func parseRetiring(_ node: Node, of what: String) -> RetirementNotice? {
        let owner = "\(what) retiring"
        guard let fields = reader.fields(node, of: owner, allowed: Self.retiringKeys) else { return nil }
        let date = reader.required("date", in: fields, of: owner, at: node).flatMap {
            reader.day($0, of: "\(owner) date")
        }
        let confirmed = reader.required("confirmed", in: fields, of: owner, at: node)
            .flatMap { reader.flag($0, of: "\(owner) confirmed") }
        let source = reader.required("source", in: fields, of: owner, at: node).flatMap {
            reader.text($0, of: "\(owner) source")
        }
        let asOf = reader.required("as_of", in: fields, of: owner, at: node).flatMap {
            reader.day($0, of: "\(owner) as_of")
        }
        guard let date, let confirmed, let source, let asOf else { return nil }
        return RetirementNotice(on: date, confirmed: confirmed, source: source, asOf: asOf)
    }

    /// `unrequestable: {audio: {renders: with_audio | silent, reason}}`: a choice the provider's
    /// request cannot express. Only audio has a price of its own to keep apart; other fields
    /// that cannot be sent are left out of the limits (`aspect_ratios`, `variants_max`).
    private func parseUnrequestable(_ node: Node, of what: String, audio: AudioSupport?) -> UnrequestableAudio? {
        let owner = "\(what) unrequestable"
        guard let fields = reader.fields(node, of: owner, allowed: Self.unrequestableKeys),
            let audioNode = reader.required("audio", in: fields, of: owner, at: node),
            let audioFields = reader.fields(audioNode, of: "\(owner) audio", allowed: Self.unrequestableAudioKeys)
        else { return nil }
        let renders = reader.required("renders", in: audioFields, of: "\(owner) audio", at: audioNode).flatMap {
            node -> Bool? in
            switch reader.text(node, of: "\(owner) audio renders") {
            case "with_audio": return true
            case "silent": return false
            case nil: return nil
            case let other?:
                reader.problem(node, "\(owner) audio renders must be with_audio or silent, got '\(other)'")
                return nil
            }
        }
        let reason = reader.required("reason", in: audioFields, of: "\(owner) audio", at: audioNode)
            .flatMap { reader.text($0, of: "\(owner) audio reason") }
        if let audio, audio != .optional {
            reader.problem(
                audioNode,
                "\(owner) audio needs audio: optional (a price with and without audio); "
                    + "the model's audio is '\(audio.rawValue)'")
            return nil
        }
        guard let renders, let reason else { return nil }
        return UnrequestableAudio(rendersAudio: renders, reason: reason)
    }

    private func parseModes(_ node: Node, of what: String) -> GenerationModeSet? {
        guard let items = reader.list(node, of: "\(what) modes") else { return nil }
        var modes: [GenerationMode] = []
        for item in items {
            guard let text = reader.text(item, of: "\(what) mode") else { continue }
            guard let mode = GenerationMode(rawValue: text) else {
                reader.problem(item, "\(what) has unknown mode '\(text)'; accepted: t2v, i2v, v2v, upscale")
                continue
            }
            if modes.contains(mode) { reader.problem(item, "\(what) lists mode \(text) twice") }
            modes.append(mode)
        }
        return modes.isEmpty ? nil : GenerationModeSet(modes)
    }

    private struct Limits {
        let durations: DurationRule
        let variantsMax: Int
        let aspectRatios: AspectRatioSet?
        let provenance: Provenance
    }

    private func parseLimits(_ node: Node, of what: String) -> Limits? {
        let owner = "\(what) limits"
        guard let fields = reader.fields(node, of: owner, allowed: Self.limitKeys) else { return nil }
        let secondsRange = 1...PricingLimits.durationSecondsMax
        var choices: DurationRule.Choices?
        switch (fields["durations_seconds"], fields["min_seconds"], fields["max_seconds"]) {
        case (let listNode?, nil, nil):
            if let items = reader.list(listNode, of: "\(owner) durations_seconds") {
                let lengths = items.compactMap { reader.integer($0, of: "\(owner) duration", in: secondsRange) }
                if lengths.count == items.count {
                    if zip(lengths, lengths.dropFirst()).allSatisfy({ $0 < $1 }) {
                        choices = .listed(lengths)
                    } else {
                        reader.problem(listNode, "\(owner) durations_seconds must be strictly increasing")
                    }
                }
            }
        case (nil, let minNode?, let maxNode?):
            if let low = reader.integer(minNode, of: "\(owner) min_seconds", in: secondsRange),
                let high = reader.integer(maxNode, of: "\(owner) max_seconds", in: secondsRange)
            {
                if low <= high {
                    choices = .range(low...high)
                } else {
                    reader.problem(minNode, "\(owner) min_seconds \(low) is above max_seconds \(high)")
                }
            }
        default:
            reader.problem(node, "\(owner) needs either durations_seconds or both min_seconds and max_seconds")
        }
        let defaultSeconds = reader.required("default_seconds", in: fields, of: owner, at: node)
            .flatMap { reader.integer($0, of: "\(owner) default_seconds", in: secondsRange) }
        let increment =
            fields["billing_increment_seconds"]
            .map { reader.integer($0, of: "\(owner) billing_increment_seconds", in: secondsRange) } ?? 1
        let minimum =
            fields["minimum_billed_seconds"]
            .map { reader.integer($0, of: "\(owner) minimum_billed_seconds", in: 0...PricingLimits.durationSecondsMax) }
            ?? 0
        let variantsMax = reader.required("variants_max", in: fields, of: owner, at: node)
            .flatMap { reader.integer($0, of: "\(owner) variants_max", in: 1...PricingLimits.variantsMax) }
        var aspectRatios: AspectRatioSet?
        if let ratiosNode = fields["aspect_ratios"], let items = reader.list(ratiosNode, of: "\(owner) aspect_ratios") {
            let ratios = items.compactMap { item -> AspectRatio? in
                guard let text = reader.text(item, of: "\(owner) aspect ratio") else { return nil }
                guard let ratio = AspectRatio(rawValue: text) else {
                    reader.problem(
                        item, "\(owner) has unknown aspect ratio '\(text)'; accepted: \(AspectRatio.acceptedForms)")
                    return nil
                }
                return ratio
            }
            aspectRatios = AspectRatioSet(ratios)
        }
        let provenance = reader.provenance(fields, at: node, of: owner, inherited: nil)
        guard let choices, let defaultSeconds, let increment, let minimum, let variantsMax, let provenance else {
            return nil
        }
        let rule = DurationRule(
            choices: choices, defaultSeconds: defaultSeconds,
            billingIncrementSeconds: increment, minimumBilledSeconds: minimum)
        guard rule.snap(.seconds(defaultSeconds)) == defaultSeconds else {
            reader.problem(
                fields["default_seconds"] ?? node,
                "\(owner) default_seconds \(defaultSeconds) is not an accepted duration")
            return nil
        }
        return Limits(durations: rule, variantsMax: variantsMax, aspectRatios: aspectRatios, provenance: provenance)
    }

    private func parseSheet(
        _ node: Node, of what: String, audio: AudioSupport, durations: DurationRule,
        unrequestableAudio: UnrequestableAudio?
    ) -> PriceSheet? {
        guard let fields = reader.fields(node, of: "\(what) price entry", allowed: Self.sheetKeys) else { return nil }
        let effectiveFrom = reader.required("effective_from", in: fields, of: "\(what) price entry", at: node)
            .flatMap { reader.day($0, of: "\(what) effective_from") }
        let owner = "\(what) price entry" + (effectiveFrom.map { " from \($0)" } ?? "")
        let provenance = reader.provenance(fields, at: node, of: owner, inherited: nil)
        let surchargeNode = fields["audio_surcharge_per_second"]
        let surcharge = surchargeNode.flatMap { reader.price($0, of: "\(owner) audio_surcharge_per_second") }
        if let surchargeNode, audio != .optional {
            reader.problem(
                surchargeNode, "\(owner) has an audio surcharge but the model's audio is '\(audio.rawValue)'")
        }
        let conflict = fields["conflict"].flatMap { parseConflict($0, of: owner) }
        guard let ratesNode = reader.required("rates", in: fields, of: owner, at: node),
            let rateFields = ratesMapping(ratesNode, of: owner),
            let effectiveFrom, let provenance
        else { return nil }
        var rates = [Rate?](repeating: nil, count: Resolution.count)
        for (resolution, rateNode, line) in rateFields {
            let context = RateContext(
                owner: "\(owner) \(resolution.rawValue)", line: line, audio: audio, durations: durations,
                surcharge: surcharge, provenance: provenance, conflict: conflict,
                unrequestableAudio: unrequestableAudio)
            rates[resolution.index] = parseRate(rateNode, context)
        }
        if let conflict, !conflict.others.isEmpty, rateFields.count > 1, let conflictNode = fields["conflict"] {
            reader.problem(
                conflictNode,
                "\(owner) conflict lists other prices but the entry has \(rateFields.count) rates; "
                    + "put the conflict on the rate it concerns")
        }
        if let conflict {
            let covered = rateFields.filter { rates[$0.0.index]?.conflict == conflict }.map(\.0.rawValue)
            if !covered.isEmpty {
                warnConflict(
                    line: reader.keyLine("conflict", in: node), conflict,
                    of: "\(owner) (\(covered.joined(separator: ", ")))")
            }
        }
        return PriceSheet(
            effectiveFrom: effectiveFrom, ratesByResolution: rates,
            offered: ResolutionSet(rateFields.map(\.0)))
    }

    /// Each rate with its resolution and the line of its resolution key.
    private func ratesMapping(_ node: Node, of owner: String) -> [(Resolution, Node, Int)]? {
        guard case .mapping(let mapping) = node, !mapping.isEmpty else {
            reader.problem(node, "\(owner) rates must be a non-empty mapping of resolution to price")
            return nil
        }
        var result: [(Resolution, Node, Int)] = []
        for (key, value) in mapping {
            guard let name = reader.text(key, of: "\(owner) resolution") else { continue }
            guard let resolution = Resolution(rawValue: name) else {
                reader.problem(
                    key,
                    "\(owner) has unknown resolution '\(name)'; accepted: "
                        + Resolution.allCases.map(\.rawValue).joined(separator: ", "))
                continue
            }
            result.append((resolution, value, reader.line(key)))
        }
        return result.isEmpty ? nil : result
    }
}
