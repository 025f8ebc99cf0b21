/// Generated models for tests, examples and benchmarks.
extension Model {
  /// Parameters of a random model with self-sustained activity at a chosen rate.
  public struct RandomOptions: Sendable {
    /// Target firing rate per neuron, in Hz at the chip's tick.
    public var rateHz: Double = 20
    /// Mean synapses per neuron (crossbar density = synapses / axons).
    public var synapsesPerNeuron: Int = 128
    /// Magnitude of the balanced +w/-w weights.
    public var weight: Int32 = 2
    /// Largest |dx|, |dy| of a destination (clipped to the grid).
    public var reach: Int = 255
    /// Cores to configure; nil = the whole grid.
    public var cores: Int? = nil
    /// Give every neuron stochastic synapses, leak and threshold masks too (exercises every mode).
    public var stochastic: Bool = false
    public init() {}
  }

  /// A random model: every axon type and neuron weight table balanced (+w for types 0 and 2,
  /// -w for 1 and 3, so the mean input is 0), a leak of +1 and a threshold of 1/rate ticks, so
  /// every neuron fires at about `rateHz` driven by its leak and jittered by its input; each
  /// neuron sends to a random axon of a random core within `reach`, with a random delay.
  /// Deterministic in `seed`.
  public static func random(chip: ChipDefinition, seed: UInt64, options: RandomOptions = RandomOptions()) -> Model {
    var model = Model(chip: chip, seed: seed)
    var cores = RandomCores(chip: chip, seed: seed, options: options)
    while let core = cores.next() { model.cores.append(core) }
    return model
  }

  /// The cores of `Model.random(chip:seed:options:)`, one at a time and in the same order
  /// (ascending core id), so that a board can be simulated without holding its model
  /// (`Simulator(chip:seed:coreIDs:core:)` with `coreIDs` and the model seed `seed`).
  public struct RandomCores: IteratorProtocol, Sendable {
    public let chip: ChipDefinition
    /// The model seed.
    public let seed: UInt64
    public let options: RandomOptions
    /// Cores configured: ids 0..<count.
    public let count: Int
    var rng: SplitMix64
    var id = 0
    let threshold: Int32
    let density: Double
    let weight: Int32

    public init(chip: ChipDefinition, seed: UInt64, options: RandomOptions = RandomOptions()) {
      self.chip = chip
      self.seed = seed
      self.options = options
      rng = SplitMix64(seed: seed)
      count = min(options.cores ?? chip.coreCount, chip.coreCount)
      threshold = Int32(max(1, min(Double(chip.thresholdRange.upperBound), (1 / chip.tickSeconds / options.rateHz).rounded())))
      density = Double(min(options.synapsesPerNeuron, chip.axonsPerCore)) / Double(chip.axonsPerCore)
      weight = min(options.weight, Int32(chip.weightRange.upperBound))
    }

    /// The linear ids of the cores.
    public var coreIDs: [Int] { Array(0..<count) }

    /// The next core, or nil after `count`.
    public mutating func next() -> CoreConfig? {
      guard id < count else { return nil }
      defer { id += 1 }
      let (x, y) = chip.coordinates(ofCore: id)
      let w = weight
      var core = CoreConfig(x: x, y: y, axons: chip.axonsPerCore, neurons: chip.neuronsPerCore)
      for i in 0..<chip.axonsPerCore {
        core.axonTypes[i] = UInt8(rng.next(below: chip.axonTypes))
        // The row is built in a register and stored once (the same draws as setting bit by bit).
        var row = SIMD4<UInt64>.zero
        for j in 0..<chip.neuronsPerCore where rng.nextUnit() < density { row[j >> 6] |= 1 << UInt64(j & 63) }
        core.crossbar.setRow(i, row)
      }
      for j in 0..<chip.neuronsPerCore {
        var n = Neuron(weights: SIMD4(w, -w, w, -w), leak: 1, threshold: threshold,
          negativeThreshold: threshold, resetMode: .normal, kappa: true,
          potential: Int32(rng.next(below: Int(threshold))))
        if options.stochastic {
          n.stochasticSynapses = UInt8(rng.next(below: 16))
          n.weights = SIMD4(Int32(rng.next(below: 256)), -Int32(rng.next(below: 256)), w, -w)
          n.stochasticLeak = rng.next(below: 2) == 1
          n.leak = n.stochasticLeak ? Int32(rng.next(below: 256)) : 1
          n.leakReversal = rng.next(below: 4) == 0
          n.thresholdMaskBits = Int32(rng.next(below: 4))
          n.resetMode = ResetMode(rawValue: Int32(rng.next(below: 3)))!
          n.kappa = rng.next(below: 2) == 1
          n.resetPotential = Int32(rng.next(below: 11)) - 5
        }
        let reach = min(options.reach, chip.offsetRange.upperBound)
        let x0 = max(0, x - reach), y0 = max(0, y - reach)
        var tx = x0 + rng.next(below: min(chip.width - 1, x + reach) - x0 + 1)
        var ty = y0 + rng.next(below: min(chip.height - 1, y + reach) - y0 + 1)
        if chip.coreID(x: tx, y: ty) >= count {
          // Only the first `count` cores are configured: send to one of them instead.
          (tx, ty) = chip.coordinates(ofCore: rng.next(below: count))
        }
        n.destination = .axon(dx: Int32(tx - x), dy: Int32(ty - y), axon: Int32(rng.next(below: chip.axonsPerCore)),
          delay: Int32(1 + rng.next(below: chip.maxDelay)))
        core.neurons[j] = n
      }
      return core
    }
  }
}
