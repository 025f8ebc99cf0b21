/// The trainer's seeded random number generator: SplitMix64 (Steele, Lea and Flood 2014).
///
/// Every random choice (weight tables, initial connections, the validation split, the order of
/// the training images in each epoch) draws from a generator derived from the run's seed and a
/// purpose, so the same seed gives the same network on every machine and thread count.
public struct TeaRandom: RandomNumberGenerator, Sendable, Equatable {
  /// The generator's whole state.
  public var state: UInt64

  /// A generator starting from `seed`.
  public init(seed: UInt64) { state = seed }

  /// A generator for one purpose (`stream`) derived from `seed`, independent of other streams.
  public init(seed: UInt64, stream: UInt64) {
    var g = TeaRandom(seed: seed ^ 0x5851_f42d_4c95_7f2d)
    let a = g.next()
    state = a ^ (stream &* 0x9e37_79b9_7f4a_7c15)
    _ = next()
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }

  /// A uniform integer in `0..<n` (Lemire's multiply-shift with rejection, so unbiased).
  public mutating func below(_ n: Int) -> Int {
    precondition(n > 0)
    let bound = UInt64(n)
    while true {
      let (hi, lo) = next().multipliedFullWidth(by: bound)
      if lo >= (0 &- bound) % bound { return Int(hi) }
    }
  }

  /// A uniform Float in [0, 1) with 24 random bits.
  public mutating func unitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

  /// A uniform Double in [0, 1) with 53 random bits.
  public mutating func unitDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// Shuffles `a` in place (Fisher-Yates with `below`; independent of the standard library's
  /// shuffle, whose algorithm may change between Swift versions).
  public mutating func shuffle<T>(_ a: inout [T]) {
    var i = a.count - 1
    while i > 0 {
      let j = below(i + 1)
      a.swapAt(i, j)
      i -= 1
    }
  }

  /// A random permutation of `0..<n`.
  public mutating func permutation(_ n: Int) -> [Int] {
    var p = Array(0..<n)
    shuffle(&p)
    return p
  }
}
