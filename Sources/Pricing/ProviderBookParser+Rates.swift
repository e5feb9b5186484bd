import Money
import Yams

/// Reading one rate of a price sheet: a bare per-second price, or a mapping with per-second or
/// per-clip prices, with or without audio, checked against the model's audio support.
extension ProviderBookParser {
    struct RateContext {
        let owner: String
        /// The line of the rate's resolution key.
        let line: Int
        let audio: AudioSupport
        let durations: DurationRule
        let surcharge: Int64?
        let provenance: Provenance
        /// The price entry's conflict, which a rate inherits unless it states its own.
        let conflict: PriceConflict?
        let unrequestableAudio: UnrequestableAudio?
    }

    /// A rate: either a bare price (per second) or a mapping with per-second or per-clip prices.
    func parseRate(_ node: Node, _ context: RateContext) -> Rate? {
        let owner = context.owner
        if case .scalar = node {
            guard let micros = reader.price(node, of: "\(owner) per_second") else { return nil }
            return finish(
                node, context, unit: .perSecond, perSecond: micros, withAudio: nil, clips: [],
                provenance: context.provenance, conflict: context.conflict)
        }
        guard let fields = reader.fields(node, of: "\(owner) rate", allowed: Self.rateKeys) else { return nil }
        let provenance = reader.provenance(fields, at: node, of: "\(owner) rate", inherited: context.provenance)
        var conflict = context.conflict
        if let conflictNode = fields["conflict"] {
            conflict = parseConflict(conflictNode, of: owner)
            if let conflict { warnConflict(line: reader.keyLine("conflict", in: node), conflict, of: owner) }
        }
        switch (fields["per_second"], fields["per_clip"]) {
        case (let secondNode?, nil):
            if let stray = fields["per_clip_with_audio"] {
                reader.problem(stray, "\(owner) has per_clip_with_audio without per_clip")
            }
            let perSecond = reader.price(secondNode, of: "\(owner) per_second")
            let withAudio = fields["per_second_with_audio"].flatMap {
                reader.price($0, of: "\(owner) per_second_with_audio")
            }
            guard let perSecond, let provenance else { return nil }
            return finish(
                node, context, unit: .perSecond, perSecond: perSecond, withAudio: withAudio, clips: [],
                provenance: provenance, conflict: conflict)
        case (nil, let clipNode?):
            if let stray = fields["per_second_with_audio"] {
                reader.problem(stray, "\(owner) has per_second_with_audio without per_second")
            }
            let clips = parseClips(clipNode, withAudio: fields["per_clip_with_audio"], context)
            guard let clips, let provenance else { return nil }
            return finish(
                node, context, unit: .perClip, perSecond: 0, withAudio: nil, clips: clips, provenance: provenance,
                conflict: conflict)
        case (_?, _?):
            reader.problem(node, "\(owner) has both per_second and per_clip; a rate is one or the other")
        case (nil, nil):
            reader.problem(node, "\(owner) is missing a rate: give per_second or per_clip")
        }
        return nil
    }

    private func parseClips(_ node: Node, withAudio audioNode: Node?, _ context: RateContext) -> [ClipPrice]? {
        let owner = context.owner
        guard case .listed(let lengths) = context.durations.choices else {
            reader.problem(node, "\(owner) per_clip needs the model's limits to list durations_seconds")
            return nil
        }
        let prices = clipPrices(node, of: "\(owner) per_clip", lengths: lengths)
        let audioPrices = audioNode.flatMap { clipPrices($0, of: "\(owner) per_clip_with_audio", lengths: lengths) }
        guard let prices else { return nil }
        return lengths.map { ClipPrice(seconds: $0, micros: prices[$0]!, withAudioMicros: audioPrices?[$0]) }
    }

    /// A mapping of clip length to price that must cover exactly the model's listed durations.
    private func clipPrices(_ node: Node, of what: String, lengths: [Int]) -> [Int: Int64]? {
        guard case .mapping(let mapping) = node else {
            reader.problem(node, "\(what) must map clip seconds to a price")
            return nil
        }
        var prices: [Int: Int64] = [:]
        for (key, value) in mapping {
            guard
                let seconds = reader.integer(key, of: "\(what) clip length", in: 1...PricingLimits.durationSecondsMax),
                let micros = reader.price(value, of: "\(what) \(seconds)s")
            else { continue }
            prices[seconds] = micros
        }
        let expected = Set(lengths)
        guard Set(prices.keys) == expected else {
            reader.problem(
                node,
                "\(what) must price exactly the listed durations "
                    + "\(lengths.map(String.init).joined(separator: ", ")), got "
                    + "\(prices.keys.sorted().map(String.init).joined(separator: ", "))")
            return nil
        }
        return prices
    }

    /// `conflict: {reason, others: [{price, source, as_of}]}`: sources that disagree on a rate.
    func parseConflict(_ node: Node, of owner: String) -> PriceConflict? {
        let what = "\(owner) conflict"
        guard let fields = reader.fields(node, of: what, allowed: Self.conflictKeys) else { return nil }
        let reason = reader.required("reason", in: fields, of: what, at: node).flatMap {
            reader.text($0, of: "\(what) reason")
        }
        var others: [ConflictingFigure] = []
        var complete = true
        if let othersNode = fields["others"] {
            guard let items = reader.list(othersNode, of: "\(what) others") else { return nil }
            for item in items {
                guard let figure = reader.fields(item, of: "\(what) other price", allowed: Self.conflictFigureKeys)
                else {
                    complete = false
                    continue
                }
                let micros = reader.required("price", in: figure, of: "\(what) other price", at: item)
                    .flatMap { reader.price($0, of: "\(what) other price") }
                let source = reader.required("source", in: figure, of: "\(what) other price", at: item)
                    .flatMap { reader.text($0, of: "\(what) other price source") }
                let asOf = reader.required("as_of", in: figure, of: "\(what) other price", at: item)
                    .flatMap { reader.day($0, of: "\(what) other price as_of") }
                guard let micros, let source, let asOf else {
                    complete = false
                    continue
                }
                others.append(ConflictingFigure(micros: micros, source: source, asOf: asOf))
            }
        }
        guard let reason, complete else { return nil }
        return PriceConflict(reason: reason, others: others)
    }

    func warnConflict(line: Int, _ conflict: PriceConflict, of owner: String) {
        let others = conflict.others.map {
            "\(DecimalAmount.string(fromMicros: $0.micros)) per \($0.source) (as of \($0.asOf))"
        }
        reader.warning(
            line: line,
            "\(owner): " + (others.isEmpty ? "uncertain price" : "sources conflict")
                + " (offers carry conflict: true): \(conflict.reason)"
                + (others.isEmpty ? "" : "; not quoted: " + others.joined(separator: "; ")))
    }

    /// Checks the rate against the model's audio support and builds it.
    private func finish(
        _ node: Node, _ context: RateContext, unit: PriceUnit, perSecond: Int64, withAudio: Int64?,
        clips: [ClipPrice], provenance: Provenance, conflict: PriceConflict?
    ) -> Rate? {
        let clipAudio = clips.contains { $0.withAudioMicros != nil }
        switch context.audio {
        case .optional:
            let hasAudioPrice = withAudio != nil || context.surcharge != nil || (unit == .perClip && clipAudio)
            guard hasAudioPrice else {
                reader.problem(
                    node,
                    "\(context.owner) is missing a rate with audio: give per_second_with_audio, "
                        + "per_clip_with_audio or the entry's audio_surcharge_per_second (audio is optional)")
                return nil
            }
            if context.surcharge != nil && (withAudio != nil || clipAudio) {
                reader.problem(node, "\(context.owner) has both a with-audio rate and the entry's audio surcharge")
                return nil
            }
            if unit == .perClip && clipAudio && clips.contains(where: { $0.withAudioMicros == nil }) {
                reader.problem(node, "\(context.owner) per_clip_with_audio must price every clip length")
                return nil
            }
        case .none, .always:
            if withAudio != nil || clipAudio {
                reader.problem(
                    node,
                    "\(context.owner) prices audio separately but the model's audio is "
                        + "'\(context.audio.rawValue)' (use audio: optional)")
                return nil
            }
        }
        if let unrequestable = context.unrequestableAudio {
            let (kept, dropped) = unrequestable.rendersAudio ? ("with audio", "silent") : ("silent", "with audio")
            reader.warning(
                line: context.line,
                "\(context.owner): the \(dropped) price cannot be requested (\(unrequestable.reason)); "
                    + "every request is priced \(kept), as the provider renders it")
        }
        return Rate(
            unit: unit, perSecondMicros: perSecond, perSecondWithAudioMicros: withAudio,
            audioSurchargeMicrosPerSecond: context.surcharge, clips: clips, provenance: provenance, conflict: conflict)
    }
}
