import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// A one-core harness: neurons, axon types and synapses on core (0, 0) of the tiny chip.
struct OneCore {
  var model: Model
  let sim: Simulator

  init(_ neurons: [Neuron], types: [Int: UInt8] = [:], synapses: [(Int, Int)] = [], cores: Int = 1) throws {
    let chip = try ChipDefinition.load(path: chipdefPath("tiny"))
    model = Model(chip: chip, seed: 99)
    for k in 0..<cores {
      var core = model.emptyCore(x: k, y: 0)
      if k == 0 {
        for (j, n) in neurons.enumerated() { core.neurons[j] = n }
        for (a, t) in types { core.axonTypes[a] = t }
        for (a, n) in synapses { core.crossbar[a, n] = true }
      }
      model.cores.append(core)
    }
    sim = try Simulator(model: model, threads: 1, recordAll: true)
  }

  /// Injects spikes on axons of core 0 for the next tick, steps, and returns the neurons that fired.
  func tick(_ axons: [Int] = []) -> [Int] {
    for a in axons { sim.inject(InputSpike(tick: sim.tick, core: 0, axon: Int32(a))) }
    sim.step()
    return sim.spikes.filter { $0.core == 0 }.map { Int($0.neuron) }
  }

  func v(_ neuron: Int = 0) -> Int { Int(sim.potential(core: 0, neuron: neuron)!) }
}

@Suite struct NeuronModelTests {
  @Test func deterministicIntegrationPerAxonType() throws {
    let n = Neuron(weights: SIMD4(3, -2, 5, 0), threshold: 10)
    let c = try OneCore([n], types: [0: 0, 1: 1, 2: 2, 3: 3], synapses: [(0, 0), (1, 0), (2, 0), (3, 0)])
    #expect(c.tick([0, 2]) == [])
    #expect(c.v() == 8)
    #expect(c.tick([1]) == [])
    #expect(c.v() == 6)
    #expect(c.tick([3]) == [])  // weight 0
    #expect(c.v() == 6)
    #expect(c.tick([0, 1, 2, 3]) == [0])  // 6 + 3 - 2 + 5 = 12 >= 10: fire, reset to R = 0
    #expect(c.v() == 0)
    #expect(c.tick([4]) == [])  // axon 4 has no synapse
    #expect(c.v() == 0)
  }

  @Test func duplicateSpikesToOneAxonMerge() throws {
    let n = Neuron(weights: SIMD4(1, 0, 0, 0), threshold: 100)
    let c = try OneCore([n], synapses: [(7, 0)])
    _ = c.tick([7, 7, 7])
    #expect(c.v() == 1)
  }

  @Test func leakAndNegativeThresholdSaturation() throws {
    // kappa = 1: below -beta the potential saturates at -beta.
    let n = Neuron(leak: -3, threshold: 100, negativeThreshold: 5, kappa: true, potential: 4)
    let c = try OneCore([n])
    var trace: [Int] = []
    for _ in 0..<5 {
      _ = c.tick()
      trace.append(c.v())
    }
    #expect(trace == [1, -2, -5, -5, -5])  // -5 - 3 = -8 < -5 -> -5
  }

  @Test func leakReversalDecaysTowardsZero() throws {
    let n = Neuron(leak: -3, leakReversal: true, threshold: 100, negativeThreshold: 100, kappa: true, potential: 7)
    let c = try OneCore([n, Neuron(leak: -3, leakReversal: true, threshold: 100, negativeThreshold: 100, potential: -7)])
    var up: [Int] = []
    var down: [Int] = []
    for _ in 0..<4 {
      _ = c.tick()
      up.append(c.v(0))
      down.append(c.v(1))
    }
    #expect(up == [4, 1, -2, 1])  // Omega = sign(V): the leak always points to 0
    #expect(down == [-4, -1, 2, -1])
    // sign(0) = 0: a neuron at 0 with leak reversal stays at 0.
    let z = try OneCore([Neuron(leak: -3, leakReversal: true, threshold: 100, potential: 0)])
    _ = z.tick()
    #expect(z.v() == 0)
  }

  @Test func resetModes() throws {
    let normal = Neuron(weights: SIMD4(25, 0, 0, 0), threshold: 10, resetMode: .normal, resetPotential: 3)
    let linear = Neuron(weights: SIMD4(25, 0, 0, 0), threshold: 10, resetMode: .linear)
    let none = Neuron(weights: SIMD4(25, 0, 0, 0), threshold: 10, resetMode: .none)
    let c = try OneCore([normal, linear, none], synapses: [(0, 0), (0, 1), (0, 2)])
    #expect(c.tick([0]) == [0, 1, 2])
    #expect([c.v(0), c.v(1), c.v(2)] == [3, 15, 25])
    #expect(c.tick() == [1, 2])
    #expect([c.v(0), c.v(1), c.v(2)] == [3, 5, 25])
    #expect(c.tick() == [2])
    #expect([c.v(0), c.v(1), c.v(2)] == [3, 5, 25])
  }

  @Test func negativeResetModesWithoutKappa() throws {
    func neuron(_ mode: ResetMode) -> Neuron {
      Neuron(weights: SIMD4(-20, 0, 0, 0), threshold: 100, negativeThreshold: 5, resetMode: mode, resetPotential: 2, kappa: false)
    }
    let c = try OneCore([neuron(.normal), neuron(.linear), neuron(.none)], synapses: [(0, 0), (0, 1), (0, 2)])
    _ = c.tick([0])  // V = -20 < -5
    #expect([c.v(0), c.v(1), c.v(2)] == [-2, -15, -20])  // -R, V + beta, unchanged
    _ = c.tick()
    #expect([c.v(0), c.v(1), c.v(2)] == [-2, -10, -20])
  }

  @Test func potentialSaturatesAtTheChipBounds() throws {
    let top = Neuron(weights: SIMD4(255, 0, 0, 0), threshold: 262_143, resetMode: .none, potential: 524_200)
    let bottom = Neuron(weights: SIMD4(-255, 0, 0, 0), threshold: 262_143, negativeThreshold: 262_143,
      resetMode: .none, kappa: false, potential: -524_200)
    let c = try OneCore([top, bottom], synapses: [(0, 0), (0, 1)])
    #expect(c.tick([0]) == [0])
    #expect(c.v(0) == 524_287)
    #expect(c.v(1) == -524_288)
    #expect(c.tick([0]) == [0])
    #expect(c.v(0) == 524_287)
    #expect(c.v(1) == -524_288)
  }

  @Test func mcCullochPittsNeuronIsMemoryless() throws {
    // Fires iff input + leak >= 0, then returns to 0; negative sums saturate at -beta = 0.
    let n = Neuron.mcCullochPitts(weights: SIMD4(1, -1, 0, 0), leak: -1, destination: .pin(0))
    let c = try OneCore([n], types: [0: 0, 1: 0, 2: 1], synapses: [(0, 0), (1, 0), (2, 0)])
    #expect(c.tick([0]) == [0])  // 1 - 1 = 0 >= 0
    #expect(c.v() == 0)
    #expect(c.tick([]) == [])  // -1 < 0
    #expect(c.v() == 0)
    #expect(c.tick([0, 2]) == [])  // 1 - 1 - 1 < 0
    #expect(c.tick([0, 1]) == [0])  // 2 - 1 >= 0
  }

  @Test func spikesArriveAfterTheirDelay() throws {
    // Neuron 0 of core 0 fires in tick 0 and sends to axon 5 of core (1, 0) with delay 3;
    // neuron 0 there has a synapse from axon 5 and fires in tick 3.
    let chip = try ChipDefinition.load(path: chipdefPath("tiny"))
    var model = Model(chip: chip)
    var a = model.emptyCore(x: 0, y: 0)
    a.neurons[0] = Neuron(weights: SIMD4(1, 0, 0, 0), threshold: 1, destination: .axon(dx: 1, dy: 0, axon: 5, delay: 3))
    a.crossbar[0, 0] = true
    var b = model.emptyCore(x: 1, y: 0)
    b.neurons[0] = Neuron(weights: SIMD4(1, 0, 0, 0), threshold: 1, destination: .pin(4))
    b.crossbar[5, 0] = true
    model.cores = [b, a]
    let sim = try Simulator(model: model, threads: 1, recordAll: true)
    sim.inject(InputSpike(tick: 0, core: 0, axon: 0))
    var fired: [OutputSpike] = []
    for _ in 0..<6 {
      sim.step()
      fired += sim.spikes
    }
    #expect(fired == [OutputSpike(tick: 0, core: 0, neuron: 0), OutputSpike(tick: 3, core: 1, neuron: 0, pin: 4)])
  }

  @Test func inputSpikesAreIntegratedInTheirTick() throws {
    let c = try OneCore([Neuron(weights: SIMD4(1, 0, 0, 0), threshold: 1)], synapses: [(0, 0)])
    #expect(c.sim.inject(InputSpike(tick: 2, core: 0, axon: 0)))
    #expect(!c.sim.inject(InputSpike(tick: 16, core: 0, axon: 0)))  // beyond the 16-slot scheduler
    #expect(!c.sim.inject(InputSpike(tick: 0, core: 5, axon: 0)))  // core not configured
    #expect(c.tick() == [])
    #expect(c.tick() == [])
    #expect(c.tick() == [0])
  }
}

/// Stochastic modes: firing statistics within bounds of the expected rate (fixed seeds).
@Suite struct StochasticModeTests {
  /// Counts how often each of `neurons` changes or fires over `ticks` ticks of `stimulus`.
  static func rate(of n: Neuron, axons: [Int] = [], synapses: [(Int, Int)] = [], ticks: Int = 20_000) throws -> Double {
    let c = try OneCore([n], synapses: synapses)
    var fired = 0
    for _ in 0..<ticks where !c.tick(axons).isEmpty { fired += 1 }
    return Double(fired) / Double(ticks)
  }

  // With n = 20,000 draws the standard deviation of a rate p is at most 0.0036; bounds are 5 sigma.
  @Test(arguments: [(64, 0.25), (128, 0.5), (200, 200.0 / 256)])
  func stochasticSynapseFiresWithProbabilityWeightOver256(weight: Int32, expected: Double) throws {
    // Each tick: V += 1 with probability w/256, threshold 1, reset to 0: the firing rate is w/256.
    let n = Neuron(weights: SIMD4(weight, 0, 0, 0), stochasticSynapses: 1, threshold: 1)
    let r = try Self.rate(of: n, axons: [0], synapses: [(0, 0)])
    #expect(abs(r - expected) < 0.018, "rate \(r), expected \(expected)")
  }

  @Test(arguments: [(32, 0.125), (192, 0.75)])
  func stochasticLeakFiresWithProbabilityLeakOver256(leak: Int32, expected: Double) throws {
    let n = Neuron(leak: leak, stochasticLeak: true, threshold: 1)
    let r = try Self.rate(of: n)
    #expect(abs(r - expected) < 0.018, "rate \(r), expected \(expected)")
  }

  @Test func negativeStochasticSynapseSubtractsOne() throws {
    let c = try OneCore([Neuron(weights: SIMD4(-128, 0, 0, 0), stochasticSynapses: 1, threshold: 1,
      negativeThreshold: 100_000, resetMode: .none)], synapses: [(0, 0)])
    for _ in 0..<4000 { _ = c.tick([0]) }
    // Expected -2000 (probability 1/2 per tick); sigma = 31.6.
    #expect(abs(c.v() + 2000) < 160)
  }

  @Test(arguments: [2, 4])
  func thresholdMaskRaisesTheThresholdByAUniformAmount(bits: Int32) throws {
    // V is held at alpha + 1 (no input, no leak, gamma 2 keeps V after a spike), so the neuron
    // fires iff alpha + 1 >= alpha + eta, i.e. eta <= 1: probability 2 / 2^TM.
    let n = Neuron(threshold: 10, thresholdMaskBits: bits, resetMode: .none, potential: 11)
    let r = try Self.rate(of: n)
    let expected = 2.0 / Double(1 << bits)
    #expect(abs(r - expected) < 0.018, "rate \(r), expected \(expected)")
  }

  @Test func sameSeedSameSpikesOtherSeedOtherSpikes() throws {
    let chip = try ChipDefinition.load(path: chipdefPath("tiny"))
    var options = Model.RandomOptions()
    options.stochastic = true
    let model = Model.random(chip: chip, seed: 3, options: options)
    func spikes(_ seed: UInt64?) throws -> [OutputSpike] {
      let sim = try Simulator(model: model, seed: seed, threads: 1, recordAll: true)
      var all: [OutputSpike] = []
      for _ in 0..<50 {
        sim.step()
        all += sim.spikes
      }
      return all
    }
    let a = try spikes(nil)
    #expect(a.count > 100)
    #expect(try spikes(nil) == a)
    #expect(try spikes(12345) != a)
    #expect(try spikes(12345) == spikes(12345))
  }
}
