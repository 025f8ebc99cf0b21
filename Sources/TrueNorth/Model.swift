/// Where a neuron's spikes go: nowhere, one axon of one core (relative offset, delay), or an
/// output pin off the chip. TrueNorth neurons have exactly one destination.
public enum Destination: Sendable, Hashable {
  case none
  /// The axon `axon` of the core at offset (dx, dy) from the neuron's core, `delay` ticks later.
  case axon(dx: Int32, dy: Int32, axon: Int32, delay: Int32)
  /// Output pin `pin` off the chip.
  case pin(Int32)
}

/// Reset mode gamma: what happens to V after a spike.
public enum ResetMode: Int32, Sendable, Hashable, CaseIterable {
  /// gamma 0: V = R.
  case normal = 0
  /// gamma 1: V = V - (alpha + eta).
  case linear = 1
  /// gamma 2: V unchanged.
  case none = 2
}

/// One neuron's configuration: the parameters of the TrueNorth neuron model (docs/neuron-model.md)
/// and its destination. Values are checked against a chip definition by `Model.violations()`.
public struct Neuron: Sendable, Hashable {
  /// s^G: the signed weight for axon type G = 0...3.
  public var weights: SIMD4<Int32>
  /// b^G: bit G set = synapses from axons of type G are stochastic.
  public var stochasticSynapses: UInt8
  /// lambda: signed leak.
  public var leak: Int32
  /// c: stochastic leak.
  public var stochasticLeak: Bool
  /// epsilon: leak reversal (the leak pushes V towards 0).
  public var leakReversal: Bool
  /// alpha: positive threshold.
  public var threshold: Int32
  /// beta: negative threshold (a magnitude; the threshold is at -beta).
  public var negativeThreshold: Int32
  /// TM: the width of the pseudo-random threshold mask, M = 2^TM - 1.
  public var thresholdMaskBits: Int32
  /// gamma.
  public var resetMode: ResetMode
  /// R: signed reset potential.
  public var resetPotential: Int32
  /// kappa: at the negative threshold, true = saturate at -beta, false = reset.
  public var kappa: Bool
  /// V at tick 0.
  public var potential: Int32
  public var destination: Destination

  /// A neuron that never fires on its own: zero weights and leak, threshold 1, kappa set.
  public init(
    weights: SIMD4<Int32> = .zero, stochasticSynapses: UInt8 = 0, leak: Int32 = 0, stochasticLeak: Bool = false,
    leakReversal: Bool = false, threshold: Int32 = 1, negativeThreshold: Int32 = 0, thresholdMaskBits: Int32 = 0,
    resetMode: ResetMode = .normal, resetPotential: Int32 = 0, kappa: Bool = true, potential: Int32 = 0,
    destination: Destination = .none
  ) {
    self.weights = weights
    self.stochasticSynapses = stochasticSynapses
    self.leak = leak
    self.stochasticLeak = stochasticLeak
    self.leakReversal = leakReversal
    self.threshold = threshold
    self.negativeThreshold = negativeThreshold
    self.thresholdMaskBits = thresholdMaskBits
    self.resetMode = resetMode
    self.resetPotential = resetPotential
    self.kappa = kappa
    self.potential = potential
    self.destination = destination
  }

  /// The memoryless McCulloch-Pitts neuron Tea networks deploy to: fires in a tick iff its input
  /// plus `leak` >= 0, then returns to 0.
  public static func mcCullochPitts(weights: SIMD4<Int32>, leak: Int32, destination: Destination) -> Neuron {
    Neuron(weights: weights, leak: leak, threshold: 0, negativeThreshold: 0, destination: destination)
  }
}

/// A 256 x 256 (at most) binary crossbar, bit-packed: row i is axon i, four 64-bit words over
/// the neurons (bit j of the row is the synapse from axon i to neuron j).
public struct Crossbar: Sendable, Hashable {
  /// Words per row: always 4 (256 bits), whatever the core's neuron count.
  public static let wordsPerRow = 4
  public private(set) var words: [UInt64]
  public let axons: Int

  public init(axons: Int) {
    self.axons = axons
    words = [UInt64](repeating: 0, count: axons * Self.wordsPerRow)
  }

  public subscript(axon: Int, neuron: Int) -> Bool {
    get { words[axon &* 4 &+ neuron >> 6] >> UInt64(neuron & 63) & 1 == 1 }
    set {
      let bit: UInt64 = 1 << UInt64(neuron & 63)
      if newValue { words[axon * 4 + neuron >> 6] |= bit } else { words[axon * 4 + neuron >> 6] &= ~bit }
    }
  }

  /// The four words of row `axon`.
  public func row(_ axon: Int) -> SIMD4<UInt64> {
    let at = axon * Self.wordsPerRow
    return SIMD4(words[at], words[at + 1], words[at + 2], words[at + 3])
  }

  public mutating func setRow(_ axon: Int, _ row: SIMD4<UInt64>) {
    for w in 0..<4 { words[axon * 4 + w] = row[w] }
  }

  /// Number of synapses set.
  public var synapseCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
}

extension SIMD4 where Scalar == UInt64 {
  /// Bits set over the four words.
  public var popcount: Int { self[0].nonzeroBitCount + self[1].nonzeroBitCount + self[2].nonzeroBitCount + self[3].nonzeroBitCount }
}

/// One configured core at (x, y) of the board grid.
public struct CoreConfig: Sendable, Hashable {
  public var x: Int
  public var y: Int
  /// The core's pseudo-random seed; nil = derived from the model seed and the core's id.
  public var seed: UInt64?
  /// G_i for every axon i.
  public var axonTypes: [UInt8]
  public var crossbar: Crossbar
  public var neurons: [Neuron]

  /// An empty core (no synapses, quiet neurons) for a chip's core size.
  public init(x: Int, y: Int, axons: Int = 256, neurons: Int = 256) {
    self.x = x
    self.y = y
    seed = nil
    axonTypes = [UInt8](repeating: 0, count: axons)
    crossbar = Crossbar(axons: axons)
    self.neurons = [Neuron](repeating: Neuron(), count: neurons)
  }
}

/// A complete network for a chip or board: the chip definition, the model seed and the cores.
public struct Model: Sendable, Equatable {
  public var chip: ChipDefinition
  /// How the file names its chip (written back on save).
  public var chipReference: String
  /// Seeds every core's generator that has no seed of its own.
  public var seed: UInt64
  public var cores: [CoreConfig]

  public init(chip: ChipDefinition, chipReference: String? = nil, seed: UInt64 = 1, cores: [CoreConfig] = []) {
    self.chip = chip
    self.chipReference = chipReference ?? chip.name
    self.seed = seed
    self.cores = cores
  }

  /// An empty core for this model's chip.
  public func emptyCore(x: Int, y: Int) -> CoreConfig {
    CoreConfig(x: x, y: y, axons: chip.axonsPerCore, neurons: chip.neuronsPerCore)
  }

  /// The seed core `index` runs with: its own seed mixed with the model seed, or, without one,
  /// the core's grid id mixed with the model seed. `seedOverride` replaces the model seed.
  public func effectiveSeed(ofCore index: Int, seedOverride: UInt64? = nil) -> UInt64 {
    Self.effectiveSeed(of: cores[index], chip: chip, seed: seedOverride ?? seed)
  }

  /// The seed `core` runs with in a model of `chip` with model seed `seed` (`effectiveSeed(ofCore:)`).
  public static func effectiveSeed(of core: CoreConfig, chip: ChipDefinition, seed: UInt64) -> UInt64 {
    let own = core.seed ?? UInt64(chip.coreID(x: core.x, y: core.y))
    var mixer = SplitMix64(seed: seed ^ SplitMix64.mix(own &+ 0x5851_F42D_4C95_7F2D))
    return mixer.next()
  }
}
