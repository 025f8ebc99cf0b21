/// SplitMix64 (Steele, Lea and Flood 2014): the per-core pseudo-random generator. Small state
/// (one word), fast, statistically good, and trivially seeded, so every core carries its own and
/// a run depends only on the model seed, never on the thread count.
public struct SplitMix64: Sendable, Hashable {
  public var state: UInt64
  /// What each draw adds to the state (the golden gamma): draw n from state s is mix(s + n x increment).
  public static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

  public init(seed: UInt64) { state = seed }

  @inline(__always)
  public mutating func next() -> UInt64 {
    state &+= Self.increment
    return Self.mix(state)
  }

  /// The SplitMix64 output function: a bijective 64-bit mix.
  @inline(__always)
  public static func mix(_ x: UInt64) -> UInt64 {
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform double in [0, 1) with 53 random bits.
  @inline(__always)
  public mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1p-53
  }

  /// A uniform integer in 0..<bound, without bias: Lemire's multiply-high with rejection (2019),
  /// the method of TeaLearning's `TeaRandom.below`. The high word of next() x bound is the draw;
  /// a draw whose low word falls below 2^64 mod bound is rejected and drawn again, which happens
  /// with probability below bound / 2^64 (so for small bounds practically never, and the draws
  /// are those of the plain multiply-high).
  public mutating func next(below bound: Int) -> Int {
    precondition(bound > 0)
    let b = UInt64(bound)
    var (high, low) = next().multipliedFullWidth(by: b)
    if low < b {
      // The threshold 2^64 mod bound is below bound, so only here can a draw be rejected; the
      // division is paid only then.
      let threshold = (0 &- b) % b
      while low < threshold { (high, low) = next().multipliedFullWidth(by: b) }
    }
    return Int(truncatingIfNeeded: high)
  }
}

/// The pseudo-random draws of the neuron model, in one place (docs/neuron-model.md):
/// - rho for stochastic synapses and leak: the top 8 bits of one draw, 0...255; the event
///   happens when |value| > rho, so its probability is |value| / 256;
/// - eta for the threshold: one draw masked with M = 2^TM - 1.
public enum NeuronRandom {
  @inline(__always)
  public static func rho(_ rng: inout SplitMix64) -> Int32 { Int32(truncatingIfNeeded: rng.next() >> 56) }

  /// Whether a stochastic event of signed size `value` happens for the draw `rho`.
  @inline(__always)
  public static func happens(_ value: Int32, rho: Int32) -> Bool { value.magnitude > rho.magnitude }

  @inline(__always)
  public static func eta(_ rng: inout SplitMix64, mask: Int32) -> Int32 {
    Int32(truncatingIfNeeded: rng.next()) & mask
  }
}
