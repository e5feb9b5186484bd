/// A small seeded generator (the simulator's, copied: test targets can't import its internals),
/// so a fuzz case is reproduced from its seed alone.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A value in `range`, which must not be empty.
    mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// True with probability `percent` / 100.
    mutating func chance(percent: Int) -> Bool { int(in: 0...99) < percent }

    mutating func element<T>(of elements: [T]) -> T { elements[int(in: 0...elements.count - 1)] }
}
