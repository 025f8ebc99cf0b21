import Testing
@testable import TrueNorth
@testable import TrueNorthIO

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

  /// Runs `model` on 1, 2 and 8 threads and expects the same spikes (more than `atLeast`) and
  /// statistics.
  /// - Returns: the spikes.
  static func expectIdenticalOnOneTwoAndEightThreads(_ model: Model, ticks: Int = 60, atLeast: Int) throws -> [OutputSpike] {
    let (one, s1, t1) = try run(model, threads: 1, ticks: ticks)
    let (two, s2, t2) = try run(model, threads: 2, ticks: ticks)
    let (eight, s8, t8) = try run(model, threads: 8, ticks: ticks)
    #expect((t1, t2, t8) == (1, 2, 8))
    #expect(one.count > atLeast)
    #expect(two == one)
    #expect(eight == one)
    #expect(s2 == s1)
    #expect(s8 == s1)
    return one
  }

  @Test func outputsAreIdenticalForOneTwoAndEightThreads() throws {
    let chip = try ChipDefinition.load(path: chipdefPath("truenorth"))
    var options = Model.RandomOptions()
    options.cores = 256
    options.stochastic = true
    options.rateHz = 50
    let model = Model.random(chip: chip, seed: 11, options: options)
    let one = try Self.expectIdenticalOnOneTwoAndEightThreads(model, atLeast: 10_000)
    // Spikes are reported ordered by core id, then neuron, within a tick.
    #expect(one == one.sorted())
  }
}

@Suite struct TrafficTests {
  @Test func trafficListsEveryRouteAndEveryCoresEvents() throws {
    let chip = try ChipDefinition.load(path: chipdefPath("tiny"))
    var options = Model.RandomOptions()
    options.rateHz = 100
    let model = Model.random(chip: chip, seed: 8, options: options)
    let sim = try Simulator(model: model, threads: 1, recordAll: true)
    sim.recordTraffic = true
    var routes = 0
    for _ in 0..<20 {
      let eventsBefore = sim.statistics.synapticEvents
      sim.step()
      // Every spike goes to an axon in this model: one route per spike, from the neuron's core.
      #expect(sim.traffic.routes.map(\.source) == sim.spikes.map(\.core))
      for (r, s) in zip(sim.traffic.routes, sim.spikes) {
        let core = model.cores[Int(s.core)]
        guard case .axon(let dx, let dy, _, _) = core.neurons[Int(s.neuron)].destination else { continue }
        #expect(r.target == Int32(chip.coreID(x: core.x + Int(dx), y: core.y + Int(dy))))
      }
      #expect(Int64(sim.traffic.coreEvents.map { Int($0.events) }.reduce(0, +)) == sim.statistics.synapticEvents - eventsBefore)
      routes += sim.traffic.routes.count
    }
    #expect(routes > 500)
  }
}
