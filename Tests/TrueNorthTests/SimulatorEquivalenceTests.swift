import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The fast simulator against the reference on random cores and random spikes.
@Suite struct SimulatorEquivalenceTests {
  static func tinyChip() throws -> ChipDefinition { try ChipDefinition.load(path: chipdefPath("tiny")) }

  static func randomInputs(chip: ChipDefinition, cores: Int, ticks: Int, perTick: Int, seed: UInt64) -> [InputSpike] {
    var rng = SplitMix64(seed: seed)
    var out: [InputSpike] = []
    for t in 0..<ticks {
      for _ in 0..<perTick {
        out.append(InputSpike(tick: Int64(t), core: Int32(rng.next(below: cores)), axon: Int32(rng.next(below: chip.axonsPerCore))))
      }
    }
    return out
  }

  /// Runs the fast simulator and the reference on `model` and expects the same spikes, potentials
  /// and synaptic event counts, with more than `atLeast` spikes.
  static func expectMatchesReference(_ model: Model, inputs: [InputSpike], ticks: Int, threads: Int = 1, atLeast: Int) throws {
    let (fast, reference, fastEvents, referenceEvents) = try runBoth(model, inputs: inputs, ticks: ticks, threads: threads)
    #expect(fast.count > atLeast)
    #expect(fast == reference)
    #expect(fastEvents == Int64(referenceEvents))
  }

  /// Runs both simulators and returns (fast, reference) spikes over all ticks.
  static func runBoth(_ model: Model, inputs: [InputSpike], ticks: Int, threads: Int) throws -> ([OutputSpike], [OutputSpike], Int64, Int) {
    let fast = try Simulator(model: model, threads: threads, recordAll: true)
    let reference = ReferenceSimulator(model: model)
    var fastSpikes: [OutputSpike] = []
    var referenceSpikes: [OutputSpike] = []
    for t in 0..<ticks {
      for s in inputs where s.tick == Int64(t) {
        #expect(fast.inject(s))
        reference.inject(s)
      }
      fast.step()
      fastSpikes += fast.spikes
      referenceSpikes += reference.step()
      for (k, core) in model.cores.enumerated() {
        let id = model.chip.coreID(x: core.x, y: core.y)
        for j in 0..<core.neurons.count where Int(fast.potential(core: id, neuron: j)!) != reference.potential[k][j] {
          Issue.record("tick \(t) core \(id) neuron \(j): V = \(fast.potential(core: id, neuron: j)!) fast, \(reference.potential[k][j]) reference")
          return (fastSpikes, referenceSpikes, fast.statistics.synapticEvents, reference.synapticEvents)
        }
      }
    }
    return (fastSpikes, referenceSpikes, fast.statistics.synapticEvents, reference.synapticEvents)
  }

  @Test(arguments: [1, 2, 3])
  func deterministicModesMatchReference(seed: UInt64) throws {
    let chip = try Self.tinyChip()
    var options = Model.RandomOptions()
    options.rateHz = 100
    options.weight = 20
    let model = Model.random(chip: chip, seed: seed, options: options)
    let inputs = Self.randomInputs(chip: chip, cores: chip.coreCount, ticks: 30, perTick: 200, seed: seed)
    try Self.expectMatchesReference(model, inputs: inputs, ticks: 40, atLeast: 100)
  }

  @Test(arguments: [4, 5, 6])
  func stochasticModesMatchReference(seed: UInt64) throws {
    let chip = try Self.tinyChip()
    var options = Model.RandomOptions()
    options.rateHz = 100
    options.stochastic = true
    let model = Model.random(chip: chip, seed: seed, options: options)
    let inputs = Self.randomInputs(chip: chip, cores: chip.coreCount, ticks: 30, perTick: 300, seed: seed)
    try Self.expectMatchesReference(model, inputs: inputs, ticks: 40, atLeast: 100)
  }
}

/// The path of a shipped chip definition, from the test file's location.
func chipdefPath(_ name: String) -> String {
  let here = #filePath
  let root = here.components(separatedBy: "/Tests/").first!
  return root + "/chipdefs/\(name).json"
}
