import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// Narrow cores (16-bit potentials, SimulatorStorage+Narrow.swift) against the reference: every
/// combination of kappa and leak reversal, leaks of both signs, thresholds, reset potentials,
/// weights and initial potentials at the narrow limits, cores one step past each limit (which
/// must stay 32-bit), and every axon of some cores active at once (the widened 32-bit update).
@Suite struct NarrowKernelTests {
  static let limit = SimulatorStorage.narrowPotentialLimit
  static let weightLimit = SimulatorStorage.narrowWeightLimit

  /// One uniform core without draws, reset mode 0, of these parameters.
  static func core(_ model: Model, id: Int, rng: inout SplitMix64, weights: SIMD4<Int32>, leak: Int32, reversal: Bool,
    kappa: Bool, alpha: Int32, beta: Int32, reset: Int32, potentials: ClosedRange<Int32>) -> CoreConfig
  {
    let chip = model.chip
    let (x, y) = chip.coordinates(ofCore: id)
    var core = model.emptyCore(x: x, y: y)
    for i in 0..<chip.axonsPerCore {
      core.axonTypes[i] = UInt8(rng.next(below: chip.axonTypes))
      for j in 0..<chip.neuronsPerCore where rng.next(below: 3) == 0 { core.crossbar[i, j] = true }
    }
    for j in 0..<chip.neuronsPerCore {
      var n = Neuron(weights: weights, leak: leak, threshold: alpha, negativeThreshold: beta, resetMode: .normal, kappa: kappa,
        potential: potentials.lowerBound + Int32(rng.next(below: Int(potentials.upperBound - potentials.lowerBound) + 1)))
      n.leakReversal = reversal
      n.resetPotential = reset
      if j < 2 { n.potential = j == 0 ? potentials.lowerBound : potentials.upperBound }
      let (tx, ty) = chip.coordinates(ofCore: rng.next(below: chip.coreCount))
      n.destination =
        rng.next(below: 16) == 0
        ? .pin(Int32(rng.next(below: chip.outputPins)))
        : .axon(dx: Int32(tx - x), dy: Int32(ty - y), axon: Int32(rng.next(below: chip.axonsPerCore)),
          delay: Int32(1 + rng.next(below: chip.maxDelay)))
      core.neurons[j] = n
    }
    return core
  }

  /// The 16 cores of the tiny chip: 12 narrow ones of varied parameters, then 4 each one step
  /// past a limit (threshold, weight, initial potential, reset mode).
  static func model(seed: UInt64) throws -> Model {
    let chip = try ChipDefinition.load(path: chipdefPath("tiny"))
    var model = Model(chip: chip, seed: seed)
    var rng = SplitMix64(seed: seed)
    let w = weightLimit
    for id in 0..<12 {
      let big = id % 3 == 0
      model.cores.append(
        core(model, id: id, rng: &rng,
          weights: big ? SIMD4(w, -w, w / 2, -1) : SIMD4(2, -3, 0, 5),
          leak: [1, -1, 0, 7, -40, 255, -255, 3, -2, 0, 100, -100][id], reversal: id % 2 == 1, kappa: id / 2 % 2 == 1,
          alpha: big ? limit : [1, 2, 50, 300][id % 4], beta: big ? limit : [0, 3, 60, 200][id % 4],
          reset: [0, 17, -limit, limit][id % 4], potentials: big ? -limit...limit : -60...60))
    }
    model.cores.append(core(model, id: 12, rng: &rng, weights: SIMD4(20, -20, 1, -1), leak: 1, reversal: false, kappa: true,
      alpha: limit + 1, beta: 10, reset: 0, potentials: -10...10))
    model.cores.append(core(model, id: 13, rng: &rng, weights: SIMD4(w + 1, -w, 1, -1), leak: 1, reversal: false, kappa: true,
      alpha: 500, beta: 10, reset: 0, potentials: -10...10))
    model.cores.append(core(model, id: 14, rng: &rng, weights: SIMD4(20, -20, 1, -1), leak: 1, reversal: true, kappa: false,
      alpha: 500, beta: 10, reset: 0, potentials: -limit - 1...limit))
    var linear = core(model, id: 15, rng: &rng, weights: SIMD4(20, -20, 1, -1), leak: 1, reversal: false, kappa: false,
      alpha: 100, beta: 10, reset: 0, potentials: -10...10)
    for j in linear.neurons.indices { linear.neurons[j].resetMode = .linear }
    model.cores.append(linear)
    return model
  }

  /// Random input on every core, and every axon of cores 0 and 3 in ticks 3 and 4 (the widened
  /// update, with inputs of up to 256 x 64).
  static func inputs(chip: ChipDefinition, seed: UInt64) -> [InputSpike] {
    var spikes = SimulatorEquivalenceTests.randomInputs(chip: chip, cores: chip.coreCount, ticks: 40, perTick: 300, seed: seed)
    for t in [3, 4] as [Int64] {
      for core in [0, 3] as [Int32] { spikes += (0..<chip.axonsPerCore).map { InputSpike(tick: t, core: core, axon: Int32($0)) } }
    }
    return spikes.sorted { $0.tick < $1.tick }
  }

  @Test func theCoresWithinTheLimitsAreNarrow() throws {
    let sim = try Simulator(model: Self.model(seed: 1))
    let narrow = (0..<16).filter { sim.storage.coreFlags[$0] & SimulatorStorage.narrow != 0 }
    #expect(narrow == Array(0..<12))
  }

  @Test(arguments: [1, 2, 3])
  func narrowCoresMatchReference(seed: UInt64) throws {
    let model = try Self.model(seed: seed)
    #expect(model.violations().isEmpty)
    try SimulatorEquivalenceTests.expectMatchesReference(
      model, inputs: Self.inputs(chip: model.chip, seed: seed), ticks: 50, atLeast: 2000)
  }

  /// A chip whose potentials have fewer than 16 bits keeps every core 32-bit (its clamp acts).
  @Test func aNarrowPotentialRangeKeepsCoresWide() throws {
    var model = try Self.model(seed: 4)
    model.chip.bits.potential = 15
    let sim = try Simulator(model: model)
    #expect((0..<16).allSatisfy { sim.storage.coreFlags[$0] & SimulatorStorage.narrow == 0 })
  }
}
