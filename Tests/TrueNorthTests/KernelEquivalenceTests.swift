import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The fast kernel's paths against the reference: cores whose neurons share one parameter set and
/// cores with one set per neuron, the SIMD update of cores without draws and the scalar update of
/// cores with draws, every reset mode, kappa, leak reversal, weights that need 32-bit products,
/// types of equal or zero weight, a core with every axon active, and core sizes that are not a
/// multiple of the SIMD width.
@Suite struct KernelEquivalenceTests {
  /// A neuron of random mode; `draws` adds stochastic synapses, stochastic leak and TM > 0.
  static func randomNeuron(_ rng: inout SplitMix64, draws: Bool) -> Neuron {
    func pick(_ values: [Int32]) -> Int32 { values[rng.next(below: values.count)] }
    let weights: [Int32] = [0, 1, -1, 3, -5, 20, -20, 127, 128, -128, 129, -200, 255, -255]
    var n = Neuron()
    n.weights = SIMD4(pick(weights), pick(weights), pick(weights), pick(weights))
    // Equal weights let types share a count bucket.
    if rng.next(below: 3) == 0 { n.weights[2] = n.weights[0] }
    if rng.next(below: 4) == 0 { n.weights[3] = n.weights[1] }
    n.leak = pick([0, 0, 1, -1, 2, -3, 7, -40, 255, -255])
    n.leakReversal = rng.next(below: 3) == 0
    n.threshold = Int32(rng.next(below: 120))
    n.negativeThreshold = Int32(rng.next(below: 120))
    n.resetMode = ResetMode(rawValue: Int32(rng.next(below: 3)))!
    n.kappa = rng.next(below: 2) == 0
    n.resetPotential = Int32(rng.next(below: 61)) - 30
    if draws {
      n.stochasticSynapses = UInt8(rng.next(below: 16))
      n.stochasticLeak = rng.next(below: 2) == 0
      n.thresholdMaskBits = Int32(rng.next(below: 5))
    }
    return n
  }

  /// Cores of four kinds in turn: one parameter set without draws, one set per neuron without
  /// draws, one set with draws, one set per neuron with draws. Destinations: axons of random
  /// cores with random delays, pins, or none.
  static func mixedModel(chip: ChipDefinition, seed: UInt64, density: Int = 3) -> Model {
    var rng = SplitMix64(seed: seed)
    var model = Model(chip: chip, seed: seed)
    for id in 0..<chip.coreCount {
      let (x, y) = chip.coordinates(ofCore: id)
      var core = model.emptyCore(x: x, y: y)
      for i in 0..<chip.axonsPerCore {
        core.axonTypes[i] = UInt8(rng.next(below: chip.axonTypes))
        for j in 0..<chip.neuronsPerCore where rng.next(below: density) == 0 { core.crossbar[i, j] = true }
      }
      let kind = id % 4
      let shared = randomNeuron(&rng, draws: kind >= 2)
      for j in 0..<chip.neuronsPerCore {
        var n = kind % 2 == 0 ? shared : randomNeuron(&rng, draws: kind >= 2)
        n.potential = Int32(rng.next(below: 201)) - 100
        switch rng.next(below: 10) {
        case 0: n.destination = .none
        case 1: n.destination = .pin(Int32(rng.next(below: chip.outputPins)))
        default:
          let (tx, ty) = chip.coordinates(ofCore: rng.next(below: chip.coreCount))
          n.destination = .axon(dx: Int32(tx - x), dy: Int32(ty - y), axon: Int32(rng.next(below: chip.axonsPerCore)),
            delay: Int32(1 + rng.next(below: chip.maxDelay)))
        }
        core.neurons[j] = n
      }
      model.cores.append(core)
    }
    return model
  }

  /// Random input spikes, and in tick 3 every axon of core 0 (more than a byte count holds).
  static func inputs(chip: ChipDefinition, seed: UInt64) -> [InputSpike] {
    var spikes = SimulatorEquivalenceTests.randomInputs(chip: chip, cores: chip.coreCount, ticks: 30, perTick: 150, seed: seed)
    spikes += (0..<chip.axonsPerCore).map { InputSpike(tick: 3, core: 0, axon: Int32($0)) }
    return spikes.sorted { $0.tick < $1.tick }
  }

  @Test(arguments: [21, 22, 23, 24])
  func everyModeMatchesReference(seed: UInt64) throws {
    let chip = try ChipDefinition.load(path: chipdefPath("tiny"))
    let model = Self.mixedModel(chip: chip, seed: seed)
    #expect(model.violations().isEmpty)
    try SimulatorEquivalenceTests.expectMatchesReference(
      model, inputs: Self.inputs(chip: chip, seed: seed), ticks: 40, atLeast: 1000)
  }

  /// Cores of 100 neurons and 200 axons: the update's scalar tail and a partial crossbar.
  @Test func oddCoreSizesMatchReference() throws {
    var chip = try ChipDefinition.load(path: chipdefPath("tiny"))
    chip.neuronsPerCore = 100
    chip.axonsPerCore = 200
    let model = Self.mixedModel(chip: chip, seed: 31)
    #expect(model.violations().isEmpty)
    try SimulatorEquivalenceTests.expectMatchesReference(
      model, inputs: Self.inputs(chip: chip, seed: 31), ticks: 40, atLeast: 500)
  }

  /// Cores of 8 x k + 4 neurons: the SIMD paths' tails.
  @Test func coreSizeOfEightKPlusFourMatchesReference() throws {
    var chip = try ChipDefinition.load(path: chipdefPath("tiny"))
    chip.neuronsPerCore = 252
    let model = Self.mixedModel(chip: chip, seed: 32)
    try SimulatorEquivalenceTests.expectMatchesReference(
      model, inputs: Self.inputs(chip: chip, seed: 32), ticks: 30, atLeast: 500)
  }

  /// Cores whose neurons share their parameters keep one set: less state than one set per neuron.
  @Test func sharedParametersTakeLessState() throws {
    let chip = try ChipDefinition.load(path: chipdefPath("tiny"))
    var options = Model.RandomOptions()
    let shared = try Simulator(model: Model.random(chip: chip, seed: 1, options: options))
    options.stochastic = true
    let perNeuron = try Simulator(model: Model.random(chip: chip, seed: 1, options: options))
    #expect(shared.stateBytes < perNeuron.stateBytes)
    #expect(SimulatorStorage.isUniform(Model.random(chip: chip, seed: 1).cores[0]))
  }

  /// Every path of the kernel, with the cores spread over 1, 2 and 8 threads: identical outputs.
  @Test func mixedModelIsIdenticalForOneTwoAndEightThreads() throws {
    let chip = try ChipDefinition.load(path: chipdefPath("truenorth"))
    var model = Self.mixedModel(chip: try ChipDefinition.load(path: chipdefPath("tiny")), seed: 41)
    // The same 16 cores repeated over 256 cores of a full chip, destinations kept on the first 16.
    model.chip = chip
    let tiny = model.cores
    model.cores = (0..<256).map { id in
      var core = tiny[id % 16]
      let (x, y) = chip.coordinates(ofCore: id)
      for j in core.neurons.indices {
        if case .axon(let dx, let dy, let axon, let delay) = core.neurons[j].destination {
          let (tx, ty) = (core.x + Int(dx), core.y + Int(dy))
          core.neurons[j].destination = .axon(dx: Int32(tx - x), dy: Int32(ty - y), axon: axon, delay: delay)
        }
      }
      (core.x, core.y) = (x, y)
      return core
    }
    #expect(model.violations().isEmpty)
    _ = try DeterminismTests.expectIdenticalOnOneTwoAndEightThreads(model, ticks: 40, atLeast: 10_000)
  }

  /// Cores of one parameter set without draws and weights of at most 128 in magnitude, the cores
  /// of the fused integration and update: every reset mode with and without kappa and leak
  /// reversal, two to four different weights (types of equal and of zero weight too). Destinations:
  /// random axons of the first `cores` cores, random delays, some pins.
  static func fusedModel(chip: ChipDefinition, cores: Int, seed: UInt64) -> Model {
    var rng = SplitMix64(seed: seed)
    var model = Model(chip: chip, seed: seed)
    func pick(_ values: [Int32]) -> Int32 { values[rng.next(below: values.count)] }
    for id in 0..<cores {
      let (x, y) = chip.coordinates(ofCore: id)
      var core = model.emptyCore(x: x, y: y)
      for i in 0..<chip.axonsPerCore {
        core.axonTypes[i] = UInt8(rng.next(below: chip.axonTypes))
        for j in 0..<chip.neuronsPerCore where rng.next(below: 3) == 0 { core.crossbar[i, j] = true }
      }
      var shared = Neuron()
      let small: [Int32] = [0, 1, -1, 3, -5, 20, -20, 127, 128, -128]
      if id % 4 == 3 {
        // Four different weights, none 0.
        shared.weights = SIMD4(pick([1, 3, 20, 127]), pick([-1, -5, -20, -128]), pick([2, 4, 40, 128]), pick([-2, -7, -60, -100]))
      } else {
        shared.weights = SIMD4(pick(small), pick(small), pick(small), pick(small))
      }
      shared.leak = pick([0, 1, -1, 2, -3, 7, -40, 255, -255])
      shared.resetMode = ResetMode(rawValue: Int32(id % 3))!
      shared.kappa = id / 3 % 2 == 1
      shared.leakReversal = id / 6 % 2 == 1
      shared.threshold = Int32(rng.next(below: 120))
      shared.negativeThreshold = Int32(rng.next(below: 120))
      shared.resetPotential = Int32(rng.next(below: 61)) - 30
      for j in 0..<chip.neuronsPerCore {
        var n = shared
        n.potential = Int32(rng.next(below: 201)) - 100
        if rng.next(below: 20) == 0 {
          n.destination = .pin(Int32(rng.next(below: chip.outputPins)))
        } else {
          let (tx, ty) = chip.coordinates(ofCore: rng.next(below: cores))
          n.destination = .axon(dx: Int32(tx - x), dy: Int32(ty - y), axon: Int32(rng.next(below: chip.axonsPerCore)),
            delay: Int32(1 + rng.next(below: chip.maxDelay)))
        }
        core.neurons[j] = n
      }
      model.cores.append(core)
    }
    return model
  }

  /// Whether core k of a simulator runs the fused integration and update (when it has fewer than
  /// 255 active axons).
  static func isFused(_ sim: Simulator, core k: Int) -> Bool {
    let s = sim.storage
    return s.coreFlags[k] & (SimulatorStorage.drawsWithoutInput | SimulatorStorage.uniform | SimulatorStorage.hasStochasticSynapses)
      == SimulatorStorage.uniform && s.bucketPlan[k] & SimulatorStorage.smallWeights != 0 && s.neurons % 32 == 0
  }

  /// The fused integration and update against the reference, with input on every core and, in
  /// tick 3, every axon of core 0 (more axons than the fused path takes).
  @Test(arguments: [51, 52, 53])
  func fusedUpdateMatchesReference(seed: UInt64) throws {
    let chip = try ChipDefinition.load(path: chipdefPath("tiny"))
    let model = Self.fusedModel(chip: chip, cores: chip.coreCount, seed: seed)
    #expect(model.violations().isEmpty)
    let sim = try Simulator(model: model)
    #expect((0..<chip.coreCount).allSatisfy { Self.isFused(sim, core: $0) })
    try SimulatorEquivalenceTests.expectMatchesReference(
      model, inputs: Self.inputs(chip: chip, seed: seed), ticks: 40, atLeast: 1000)
  }

  /// Spikes between partitions, applied by the target's partition at the start of the next tick:
  /// 64 cores of a chip on 1 and 4 threads (16 cores each) against the reference.
  @Test(arguments: [1, 4])
  func spikesBetweenPartitionsMatchReference(threads: Int) throws {
    let chip = try ChipDefinition.load(path: chipdefPath("truenorth"))
    let model = Self.fusedModel(chip: chip, cores: 64, seed: 61)
    #expect(model.violations().isEmpty)
    #expect(try Simulator(model: model, threads: threads).threadCount == threads)
    let inputs = SimulatorEquivalenceTests.randomInputs(chip: chip, cores: 64, ticks: 20, perTick: 200, seed: 61)
    try SimulatorEquivalenceTests.expectMatchesReference(
      model, inputs: inputs, ticks: 30, threads: threads, atLeast: 10_000)
  }
}
