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
    /// `nextUnit() < density` as `next() >> 11 < unitLimit`: the unit draw is (next() >> 11) x
    /// 2^-53 exactly, so it is below density exactly when next() >> 11 is below density x 2^53
    /// rounded up (a draw of 53 bits is an integer).
    let unitLimit: UInt64
    let weight: Int32

    public init(chip: ChipDefinition, seed: UInt64, options: RandomOptions = RandomOptions()) {
      self.chip = chip
      self.seed = seed
      self.options = options
      rng = SplitMix64(seed: seed)
      count = min(options.cores ?? chip.coreCount, chip.coreCount)
      threshold = Int32(max(1, min(Double(chip.thresholdRange.upperBound), (1 / chip.tickSeconds / options.rateHz).rounded())))
      density = Double(min(options.synapsesPerNeuron, chip.axonsPerCore)) / Double(chip.axonsPerCore)
      unitLimit = UInt64((max(0, density) * 0x1p53).rounded(.up))
      weight = min(options.weight, Int32(chip.weightRange.upperBound))
    }

    /// The linear ids of the cores.
    public var coreIDs: [Int] { Array(0..<count) }

    /// The next core, or nil after `count`.
    public mutating func next() -> CoreConfig? {
      guard id < count else { return nil }
      defer { id += 1 }
      return generate(id: id, rng: &rng, build: true)
    }

    /// The generator state at the start of each core from the next one on (`count - id` states,
    /// the first for the core `next()` returns next), found without building the cores: a
    /// crossbar row's draws are skipped in one step, so this costs about 2% of building them.
    /// With these states, `core(id:generator:)` builds any core independently of the others
    /// (in parallel, in any order), the same core `next()` returns.
    public func generatorStates() -> [SplitMix64] {
      var r = rng
      var states: [SplitMix64] = []
      states.reserveCapacity(count - id)
      for k in id..<count {
        states.append(r)
        _ = generate(id: k, rng: &r, build: false)
      }
      return states
    }

    /// Core `id` drawn from `generator`, its state at the start of the core (`generatorStates()`).
    public func core(id: Int, generator: SplitMix64) -> CoreConfig {
      var r = generator
      return generate(id: id, rng: &r, build: true)!
    }

    /// The draws of core `id` from `rng`: the core when `build`, else nil with `rng` advanced
    /// past the core's draws all the same (the crossbar rows skipped without drawing).
    func generate(id: Int, rng: inout SplitMix64, build: Bool) -> CoreConfig? {
      let (x, y) = chip.coordinates(ofCore: id)
      let w = weight
      var core = build ? CoreConfig(x: x, y: y, axons: chip.axonsPerCore, neurons: chip.neuronsPerCore) : nil
      let neurons = chip.neuronsPerCore
      for i in 0..<chip.axonsPerCore {
        let type = UInt8(rng.next(below: chip.axonTypes))
        if build {
          core!.axonTypes[i] = type
          core!.crossbar.setRow(i, Self.row(from: rng, neurons: neurons, below: unitLimit))
        }
        rng.state &+= SplitMix64.increment &* UInt64(neurons)
      }
      for j in 0..<neurons {
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
        if build { core!.neurons[j] = n }
      }
      return core
    }

    /// A crossbar row of `neurons` bits from the generator state `rng` (not advanced): bit j is
    /// set when draw j + 1's top 53 bits are below `limit`, which is `nextUnit() < density`
    /// exactly (`unitLimit`). The draws are independent of each other (draw j is the mix of
    /// state + (j + 1) x increment), so they are computed 8 at a time; a draw x of 53 bits is
    /// below limit (at most 2^53) exactly when x - limit wraps, i.e. sets bit 63.
    @inline(__always)
    static func row(from rng: SplitMix64, neurons: Int, below limit: UInt64) -> SIMD4<UInt64> {
      let lane = SIMD8<UInt64>(1, 2, 3, 4, 5, 6, 7, 8) &* SplitMix64.increment
      let shift = SIMD8<UInt64>(0, 1, 2, 3, 4, 5, 6, 7)
      let whole = min(neurons, SimulatorStorage.coreSize) / 8 * 8
      var row = SIMD4<UInt64>.zero
      for w in 0..<SimulatorStorage.rowWords {
        var word: UInt64 = 0
        var j = w * SimulatorStorage.wordBits
        while j < min(whole, (w + 1) * SimulatorStorage.wordBits) {
          var z = (rng.state &+ UInt64(j) &* SplitMix64.increment) &+ lane
          z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
          z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
          z ^= z &>> 31
          word |= ((((z &>> 11) &- limit) &>> 63) &<< shift).wrappedSum() << UInt64(j & 63)
          j += 8
        }
        row[w] = word
      }
      var r = rng
      r.state &+= UInt64(whole) &* SplitMix64.increment
      for j in whole..<neurons where r.next() >> 11 < limit { row[j >> 6] |= 1 << UInt64(j & 63) }
      return row
    }
  }
}
