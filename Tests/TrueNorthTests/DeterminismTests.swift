import Testing
@testable import TrueNorth

@Suite struct DeterminismTests {
  /// Every spike of a run of a stochastic 256-core model.
  static func run(_ model: Model, threads: Int, ticks: Int = 60) throws -> ([OutputSpike], Simulator.Statistics, Int) {
    let sim = try Simulator(model: model, threads: threads, recordAll: true)
    var rng = SplitMix64(seed: 5)
    var all: [OutputSpike] = []
    for _ in 0..<ticks {
      for _ in 0..<100 {
        sim.inject(InputSpike(tick: sim.tick, core: Int32(rng.next(below: 256)), axon: Int32(rng.next(below: 256))))
      }
      sim.step()
      all += sim.spikes
    }
    return (all, sim.statistics, sim.threadCount)
  }

  @Test func outputsAreIdenticalForOneTwoAndEightThreads() throws {
    let chip = try ChipDefinition.load(path: chipdefPath("truenorth"))
    var options = Model.RandomOptions()
    options.cores = 256
    options.stochastic = true
    options.rateHz = 50
    let model = Model.random(chip: chip, seed: 11, options: options)
    let (one, s1, t1) = try Self.run(model, threads: 1)
    let (two, s2, t2) = try Self.run(model, threads: 2)
    let (eight, s8, t8) = try Self.run(model, threads: 8)
    #expect((t1, t2, t8) == (1, 2, 8))
    #expect(one.count > 10_000)
    #expect(two == one)
    #expect(eight == one)
    #expect(s2 == s1)
    #expect(s8 == s1)
    // Spikes are reported ordered by core id, then neuron, within a tick.
    #expect(one == one.sorted())
  }
}
