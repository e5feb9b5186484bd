extension ExpectedCostBook {
    /// A book with made-up history for every provider model family: success rates from 40 % to
    /// 99 % (a hash of the provider and family), a few hundred jobs each, some quote error and
    /// billed failures. What the ranked-lookup benchmark and the ranking tests run against, so
    /// every candidate's expected cost is computed rather than its prior.
    public static func synthetic(_ catalog: PriceCatalog) -> ExpectedCostBook {
        var counts: [ProviderFamily: ReliabilityCounts] = [:]
        for (index, model) in catalog.models.enumerated() {
            let key = ProviderFamily(provider: model.provider, family: model.family)
            let decided = 50 + (index * 37) % 400
            var hash: UInt64 = 14_695_981_039_346_656_037
            for byte in key.description.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
            let completed = decided * (40 + Int(hash % 60)) / 100
            counts[key] = ReliabilityCounts(
                decided: decided, completed: completed, costedJobs: completed,
                costedQuotedMicros: Int64(completed) * 500_000,
                costedErrorMicros: Int64(completed) * Int64((index % 7) * 5_000), failedJobs: decided - completed,
                failedQuotedMicros: Int64(decided - completed) * 500_000,
                failedBilledMicros: index % 3 == 0 ? Int64(decided - completed) * 250_000 : 0,
                p95Milliseconds: Int64(60_000 + (index % 11) * 30_000))
        }
        return ExpectedCostBook(catalog: catalog, counts: counts, generation: 1)
    }
}
