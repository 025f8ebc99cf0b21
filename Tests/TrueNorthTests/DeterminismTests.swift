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

/// `SplitMix64.next(below:)` against a copy of TeaLearning's `TeaRandom.below` (Lemire's
/// multiply-high with rejection, checking the threshold on every draw): the same draws and the
/// same generator state after them, from the same state.
@Suite struct BoundedDrawTests {
  /// TeaRandom.below's algorithm on a SplitMix64, counting the words it takes.
  static func teaBelow(_ rng: inout SplitMix64, _ n: Int, words: inout Int) -> Int {
    let bound = UInt64(n)
    while true {
      words += 1
      let (hi, lo) = rng.next().multipliedFullWidth(by: bound)
      if lo >= (0 &- bound) % bound { return Int(hi) }
    }
  }

  /// 0x5555_5555_5555_5556 leaves 2^64 mod bound = bound - 2, so about a third of the words are
  /// rejected; the others are small or large bounds where a rejection is rare or impossible.
  @Test(arguments: [1, 2, 3, 10, 255, 256, 1000, 1 << 32 + 1, 0x5555_5555_5555_5556, Int.max])
  func agreesWithTeaRandomBelow(bound: Int) {
    for seed: UInt64 in [0, 1, 0xDEAD_BEEF, .max] {
      var a = SplitMix64(seed: seed), b = SplitMix64(seed: seed)
      var words = 0
      for _ in 0..<2000 {
        let x = a.next(below: bound)
        #expect(x == Self.teaBelow(&b, bound, words: &words))
        #expect((0..<bound).contains(x))
      }
      #expect(a.state == b.state)
      if bound == 0x5555_5555_5555_5556 { #expect(words > 2400, "rejections exercised: \(words) words for 2000 draws") }
    }
  }

  /// For small bounds no word is rejected in practice (probability bound / 2^64), so the draws
  /// are those of the plain multiply-high that `next(below:)` used before, and every seeded model
  /// and input stays the same.
  @Test func smallBoundsGiveThePlainMultiplyHigh() {
    var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
    for i in 0..<100_000 {
      let bound = 1 + i % 4096
      #expect(a.next(below: bound) == Int(b.next().multipliedFullWidth(by: UInt64(bound)).high))
    }
    #expect(a.state == b.state)
  }

  /// The draw order of the chip's generator is unchanged: next() and the neuron model's draws.
  @Test func theChipsDrawsAreUnchanged() {
    var reference = SplitMix64(seed: 1_234_567)  // the reference implementation's first outputs
    #expect(reference.next() == 6_457_827_717_110_365_317)
    #expect(reference.next() == 3_203_168_211_198_807_973)
    var r = SplitMix64(seed: 7)
    let first = r.next()
    var s = SplitMix64(seed: 7)
    #expect(NeuronRandom.rho(&s) == Int32(first >> 56))
    #expect(NeuronRandom.eta(&s, mask: 0xFF) == Int32(truncatingIfNeeded: r.next()) & 0xFF)
  }
}
