import Basics

extension PriceCatalog {
    /// Every family × a resolution some model of it offers × duration × audio × n, normalized
    /// once up front: the sweep the lookup benchmarks time and the ranking tests check. Some combinations still have no taker (audio on a silent model, a clip
    /// too long), as in real traffic; the report says how many.
    public func sampleRequests(on day: CalendarDay) -> [QuoteRequest] {
        let durations: [DurationInput] = [.auto, 4, 5, 6, 8, 10, 12, 15]
        var requests: [QuoteRequest] = []
        for family in families {
            let offered = family.modelIndices.reduce(into: ResolutionSet()) { set, index in
                for sheet in models[index].sheets { set.formUnion(sheet.offered) }
            }
            for resolution in offered.members {
                for duration in durations {
                    for audio in [false, true] {
                        for variants in [1, 2] {
                            let input = QuoteInput(
                                family: family.id, duration: duration, resolution: resolution.rawValue,
                                audio: audio, variants: variants)
                            if let request = try? request(for: input, today: day) { requests.append(request) }
                        }
                    }
                }
            }
        }
        return requests
    }
}
