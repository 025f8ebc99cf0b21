import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// Support for the routing tests: chip definitions built from `tiny.json`.
enum RoutingFixtures {
  static func tiny() throws -> ChipDefinition { try ChipDefinition.load(path: chipdefPath("tiny")) }

  /// A board of `chips` x `chips` chips of `cores` x `cores` cores.
  static func board(chips: Int, cores: Int) throws -> ChipDefinition {
    var chip = try tiny()
    chip.name = "board"
    (chip.chipsX, chip.chipsY, chip.coresPerChipX, chip.coresPerChipY) = (chips, chips, cores, cores)
    return chip
  }

  static func route(_ chip: ChipDefinition, _ from: (Int, Int), _ to: (Int, Int)) -> Simulator.Route {
    Simulator.Route(source: Int32(chip.coreID(x: from.0, y: from.1)), target: Int32(chip.coreID(x: to.0, y: to.1)))
  }
}

@Suite struct RoutingPathTests {
  typealias Port = MeshRouter.Port

  @Test func positiveOffsetsGoAlongXThenY() throws {
    let chip = try RoutingFixtures.tiny()
    let mesh = MeshRouter(chip: chip)
    let path = mesh.path(from: chip.coreID(x: 0, y: 0), to: chip.coreID(x: 2, y: 3))
    #expect(path.map(\.port) == [.east, .east, .south, .south, .south, .local])
    #expect(path.map { [$0.x, $0.y] } == [[0, 0], [1, 0], [2, 0], [2, 1], [2, 2], [2, 3]])
    #expect(mesh.hopCount(from: chip.coreID(x: 0, y: 0), to: chip.coreID(x: 2, y: 3)) == 5)
    #expect(path.allSatisfy { !$0.crossesChip })
  }

  @Test func negativeOffsetsGoWestThenNorth() throws {
    let chip = try RoutingFixtures.tiny()
    let mesh = MeshRouter(chip: chip)
    let path = mesh.path(from: chip.coreID(x: 3, y: 3), to: chip.coreID(x: 1, y: 0))
    #expect(path.map(\.port) == [.west, .west, .north, .north, .north, .local])
    #expect(path.map { [$0.x, $0.y] } == [[3, 3], [2, 3], [1, 3], [1, 2], [1, 1], [1, 0]])
    #expect(mesh.hopCount(from: chip.coreID(x: 3, y: 3), to: chip.coreID(x: 1, y: 0)) == 5)
  }

  @Test func samCoreIsOnlyTheLocalPort() throws {
    let chip = try RoutingFixtures.tiny()
    let mesh = MeshRouter(chip: chip)
    #expect(mesh.path(from: 5, to: 5).map(\.port) == [.local])
    #expect(mesh.hopCount(from: 5, to: 5) == 0)
  }

  @Test func chipBordersAreCrossedWhereTheChipsMeet() throws {
    let chip = try RoutingFixtures.board(chips: 2, cores: 4)
    let mesh = MeshRouter(chip: chip)
    let a = chip.coreID(x: 2, y: 1), b = chip.coreID(x: 5, y: 6)
    let forward = mesh.path(from: a, to: b)
    #expect(forward.map(\.port) == [.east, .east, .east, .south, .south, .south, .south, .south, .local])
    // x 3 -> 4 and y 3 -> 4 are the chip borders.
    #expect(forward.filter(\.crossesChip).map { [$0.x, $0.y] } == [[3, 1], [5, 3]])
    #expect(mesh.chipCrossings(from: a, to: b) == 2)
    #expect(mesh.hopCount(from: a, to: b) == 8)
    let back = mesh.path(from: b, to: a)
    #expect(back.map(\.port) == [.west, .west, .west, .north, .north, .north, .north, .north, .local])
    #expect(back.filter(\.crossesChip).map { [$0.x, $0.y] } == [[4, 6], [2, 4]])
    #expect(mesh.chipLink(x: 4, y: 6, port: .west) == (1 * 2 + 1) * 4 + Port.west.rawValue)
    #expect(mesh.chipLink(x: 2, y: 4, port: .north) == (1 * 2 + 0) * 4 + Port.north.rawValue)
  }

  @Test func ns16eTilesSixteenChips() throws {
    let chip = try ChipDefinition.load(path: chipdefPath("ns16e"))
    let mesh = MeshRouter(chip: chip)
    // From chip (0, 0) to chip (3, 3): 3 chip borders along x, 3 along y.
    let a = chip.coreID(x: 10, y: 20), b = chip.coreID(x: 250, y: 200)
    #expect(mesh.hopCount(from: a, to: b) == 240 + 180)
    #expect(mesh.chipCrossings(from: a, to: b) == 6)
    let crossings = mesh.path(from: a, to: b).filter(\.crossesChip)
    #expect(crossings.map { [$0.x, $0.y] } == [[63, 20], [127, 20], [191, 20], [250, 63], [250, 127], [250, 191]])
  }
}

@Suite struct RoutingCycleTests {
  /// Core processing of a core without synaptic events: 256 neurons x 4 cycles.
  static let base = 1024

  @Test(arguments: [1, 2, 3])
  func uncontendedSpikeTakesOneRouterCyclePerHopPlusDelivery(cyclesPerHop: Int) throws {
    var chip = try RoutingFixtures.tiny()
    chip.routing.routerCyclesPerHop = cyclesPerHop
    let model = CycleModel(chip: chip)
    let route = RoutingFixtures.route(chip, (3, 3), (0, 1))
    let cost = model.analyse(tick: 0, routes: [route], coreEvents: [(route.source, 10)], configuredCores: 16, spikes: 1)
    let release = Self.base + 10
    #expect(cost.counts.hops == 5)
    #expect(cost.deliveryCycles == release + 6 * cyclesPerHop)
    #expect(cost.coreCycles == release)
    #expect(cost.slowestCore == route.source)
    #expect(cost.queueingCycles == 0)
    #expect(cost.lastSpike == route)
    #expect(cost.counts.synapticEvents == 10)
    #expect(cost.counts.neuronUpdates == 16 * 256)
  }

  /// Two cores in a row send three spikes each to the same far core: the link east of the second
  /// core carries all six. Served first come first served (injections before forwarded packets in
  /// the same cycle): B0, B1, A0, B2, A1, A2 leave at cycles 0...5 after release, having arrived
  /// at 0, 1, 1, 2, 2, 3: waits 0, 0, 1, 1, 2, 2.
  @Test func hotLinkQueuesAsComputed() throws {
    let chip = try RoutingFixtures.tiny()
    let model = CycleModel(chip: chip)
    let a = RoutingFixtures.route(chip, (0, 0), (3, 0))
    let b = RoutingFixtures.route(chip, (1, 0), (3, 0))
    let cost = model.analyse(tick: 0, routes: [a, a, a, b, b, b], coreEvents: [], configuredCores: 2, spikes: 6)
    #expect(cost.queueingCycles == 6)
    #expect(cost.maxQueueingCycles == 2)
    // A2 leaves (1, 0) at +5, reaches (2, 0) at +6, (3, 0) at +7 and is delivered at +8.
    #expect(cost.deliveryCycles == Self.base + 8)
    #expect(cost.lastSpike == a)
    let hot = try #require(cost.hottestLink)
    #expect(hot.kind == .router)
    #expect(hot.name(in: model.mesh) == "router (1, 0) east")
    #expect(hot.packets == 6)
    #expect(cost.counts.hops == 3 * 3 + 3 * 2)
    #expect(model.linkLoads[(chip.coreID(x: 1, y: 0)) * 5 + MeshRouter.Port.east.rawValue] == 6)
    #expect(model.linkLoads[(chip.coreID(x: 3, y: 0)) * 5 + MeshRouter.Port.local.rawValue] == 6)
    // Links start idle every tick: the same traffic costs the same again.
    let again = model.analyse(tick: 1, routes: [a, a, a, b, b, b], coreEvents: [], configuredCores: 2, spikes: 6)
    #expect(again.deliveryCycles == cost.deliveryCycles)
    #expect(model.linkLoads[(chip.coreID(x: 1, y: 0)) * 5 + MeshRouter.Port.east.rawValue] == 12)
  }

  /// Three spikes over one chip-to-chip link of 4 cycles per packet: they leave it at 0, 4 and 8
  /// after release (waits 0, 3, 6) and are delivered one router cycle after crossing.
  @Test func chipLinkSerialisesTheEdge() throws {
    var chip = try RoutingFixtures.board(chips: 2, cores: 2)
    chip.routing.chipLinkSpikesPerSecond = 2.5e8
    let model = CycleModel(chip: chip)
    #expect(model.chipLinkCyclesPerPacket == 4)
    let r = RoutingFixtures.route(chip, (1, 0), (2, 0))
    let cost = model.analyse(tick: 0, routes: [r, r, r], coreEvents: [], configuredCores: 1, spikes: 3)
    #expect(cost.deliveryCycles == Self.base + 13)
    #expect(cost.queueingCycles == 9)
    #expect(cost.counts.chipLinkCrossings == 3)
    #expect(cost.counts.chipLinkBits == 3 * 32)
    #expect(cost.counts.hops == 3)
    let hot = try #require(cost.hottestLink)
    #expect(hot.kind == .chip)
    #expect(hot.name(in: model.mesh) == "chip (0, 0) east chip-to-chip link")
    #expect(hot.busyCycles == 12)
  }

  /// The truenorth link rate, 6.25 cycles per packet, is kept exactly: 8 packets take 50 cycles.
  @Test func fractionalChipLinkRateIsExact() throws {
    let chip = try RoutingFixtures.board(chips: 2, cores: 2)
    let model = CycleModel(chip: chip)
    #expect(model.chipLinkCyclesPerPacket == 6.25)
    let r = RoutingFixtures.route(chip, (1, 1), (2, 1))
    let cost = model.analyse(tick: 0, routes: Array(repeating: r, count: 8), coreEvents: [], configuredCores: 1, spikes: 8)
    // The 8th leaves the link at 7 x 6.25 = 43.75 and is across at 50; delivered a cycle later.
    #expect(cost.deliveryCycles == Self.base + 51)
  }

  @Test func deadlineMissNamesTickLinkAndCores() throws {
    var chip = try RoutingFixtures.tiny()
    chip.tickSeconds = 1.03e-6  // 1030 cycles: the cores fit (1024), the routing does not
    let model = CycleModel(chip: chip)
    #expect(model.budgetCycles == 1030)
    let a = RoutingFixtures.route(chip, (0, 0), (3, 0))
    let b = RoutingFixtures.route(chip, (1, 0), (3, 0))
    let routes = [a, a, a, b, b, b]
    let cost = model.analyse(tick: 7, routes: routes, coreEvents: [], configuredCores: 2, spikes: 6)
    #expect(cost.isDeadlineMiss)
    let miss = DeadlineMiss(cost: cost, model: model, routes: routes)
    #expect(miss.hottestLinkSources == [a.source, b.source])
    #expect(miss.description.contains("tick 7 missed its deadline: 1032 cycles > budget 1030"))
    #expect(miss.description.contains("hottest link router (1, 0) east: 6 spikes"))
    #expect(miss.description.contains("from cores 0, 1"))
  }

  @Test func strictRunStopsAtTheFirstMiss() throws {
    var chip = try RoutingFixtures.tiny()
    chip.tickSeconds = 1e-6  // 1000 cycles: less than one core's neuron updates
    var options = Model.RandomOptions()
    options.rateHz = 200
    let model = Model.random(chip: chip, seed: 3, options: options)
    let sim = try Simulator(model: model, threads: 1)
    var input: (any SpikeSource<InputSpike>)? = nil
    let analysis = CycleRun(chip: chip, strict: true)
    let error = #expect(throws: SimulationError.self) {
      _ = try sim.runCycleFidelity(ticks: 5, input: &input, output: nil, analysis: analysis)
    }
    guard case .deadlineMiss(let miss) = error else { Issue.record("expected a deadline miss, got \(String(describing: error))"); return }
    #expect(miss.cost.tick == 0)
    #expect(miss.description.hasPrefix("tick 0 missed its deadline"))
    let lenient = CycleRun(chip: chip)
    _ = try Simulator(model: model, threads: 1).runCycleFidelity(ticks: 5, input: &input, output: nil, analysis: lenient)
    #expect(lenient.missCount == 5)
    #expect(lenient.misses.map(\.cost.tick) == [0, 1, 2, 3, 4])
  }
}

@Suite struct RoutingEquivalenceTests {
  /// Random models with random input: cycle fidelity reports exactly the spikes tick fidelity
  /// reports, tick by tick, and its counts match the simulator's.
  @Test(arguments: [(1, false), (2, false), (3, true), (4, true)])
  func cycleFidelityMatchesTickFidelity(seed: UInt64, board: Bool) throws {
    let chip = board ? try RoutingFixtures.board(chips: 2, cores: 3) : try RoutingFixtures.tiny()
    var options = Model.RandomOptions()
    options.rateHz = 50
    options.weight = 20
    options.stochastic = seed % 2 == 0
    let model = Model.random(chip: chip, seed: seed, options: options)
    let inputs = SimulatorEquivalenceTests.randomInputs(chip: chip, cores: chip.coreCount, ticks: 20, perTick: 100, seed: seed)
    let plain = try Simulator(model: model, threads: 1, recordAll: true)
    let cycled = try Simulator(model: model, threads: 2, recordAll: true)
    cycled.recordTraffic = true
    let analysis = CycleRun(chip: chip)
    var hops: Int64 = 0
    var crossings: Int64 = 0
    let mesh = MeshRouter(chip: chip)
    var spikes = 0
    for t in 0..<30 {
      for s in inputs where s.tick == Int64(t) {
        #expect(plain.inject(s))
        #expect(cycled.inject(s))
      }
      plain.step()
      cycled.step()
      try analysis.observe(cycled)
      #expect(plain.spikes == cycled.spikes, "tick \(t)")
      spikes += plain.spikes.count
      for r in cycled.traffic.routes {
        hops += Int64(mesh.hopCount(from: Int(r.source), to: Int(r.target)))
        crossings += Int64(mesh.chipCrossings(from: Int(r.source), to: Int(r.target)))
      }
    }
    #expect(spikes > 500)
    #expect(analysis.missCount == 0)
    #expect(analysis.totals.synapticEvents == plain.statistics.synapticEvents)
    #expect(analysis.totals.neuronUpdates == plain.statistics.neuronUpdates)
    #expect(analysis.totals.spikes == plain.statistics.spikes)
    #expect(analysis.totals.hops == hops)
    #expect(analysis.totals.chipLinkCrossings == crossings)
    #expect(!board || crossings > 0)
    #expect(analysis.ticks == 30)
  }

  /// Through `runCycleFidelity` and spike files: identical output files.
  @Test func runEntryPointsWriteTheSameFile() throws {
    let chip = try RoutingFixtures.board(chips: 2, cores: 2)
    var options = Model.RandomOptions()
    options.rateHz = 80
    let model = Model.random(chip: chip, seed: 9, options: options)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-routing-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var none: (any SpikeSource<InputSpike>)? = nil
    let tickWriter = try SpikeWriter<OutputSpike>(path: dir + "/tick.csv")
    _ = try Simulator(model: model, recordAll: true).run(ticks: 40, input: &none, output: tickWriter)
    try tickWriter.close()
    let cycleWriter = try SpikeWriter<OutputSpike>(path: dir + "/cycle.csv")
    let analysis = CycleRun(chip: chip)
    let summary = try Simulator(model: model, recordAll: true).runCycleFidelity(ticks: 40, input: &none, output: cycleWriter, analysis: analysis)
    try cycleWriter.close()
    #expect(summary.outputSpikes > 100)
    #expect(try readFile(dir + "/tick.csv") == readFile(dir + "/cycle.csv"))
    #expect(analysis.ticks == 40)
  }
}

@Suite struct RoutingEnergyTests {
  @Test func energyIsCountsTimesCoefficients() throws {
    var chip = try RoutingFixtures.board(chips: 2, cores: 2)
    chip.energy = .init(synapticEventJoules: 3, spikeHopJoules: 5, chipLinkBitJoules: 7, neuronUpdateJoules: 11, staticWattsPerChip: 13)
    chip.tickSeconds = 0.5
    var counts = EventCounts()
    (counts.synapticEvents, counts.hops, counts.chipLinkCrossings, counts.chipLinkBits, counts.neuronUpdates, counts.ticks) = (2, 3, 1, 32, 4, 6)
    let e = EnergyEstimate(counts, chip: chip)
    #expect(e.synapticJoules == 6)
    #expect(e.hopJoules == 15)
    #expect(e.chipLinkJoules == 224)
    #expect(e.neuronJoules == 44)
    #expect(e.staticJoules == 13 * 4 * 3)
    #expect(e.totalJoules == 6 + 15 + 224 + 44 + 156)
    #expect(e.seconds == 3)
  }

  @Test func runEnergyEqualsCountedEventsTimesChipCoefficients() throws {
    let chip = try RoutingFixtures.board(chips: 2, cores: 2)
    let model = Model.random(chip: chip, seed: 5, options: Model.RandomOptions())
    var none: (any SpikeSource<InputSpike>)? = nil
    let analysis = CycleRun(chip: chip, keepSeries: true)
    let sim = try Simulator(model: model)
    _ = try sim.runCycleFidelity(ticks: 100, input: &none, output: nil, analysis: analysis)
    let t = analysis.totals
    #expect(t.synapticEvents == sim.statistics.synapticEvents)
    #expect(t.neuronUpdates == 100 * 16 * 256)
    #expect(t.chipLinkBits == t.chipLinkCrossings * 32)
    let e = analysis.energy
    let expected = Double(t.synapticEvents) * 26e-12 + Double(t.hops) * 2.3e-12 + Double(t.chipLinkBits) * 26e-12
      + 0.042 * 4 * 100 * 0.001
    #expect(abs(e.totalJoules - expected) <= 1e-12 * expected)
    // Per-tick energies add up to the run's.
    #expect(abs(analysis.series.joules.reduce(0, +) - e.totalJoules) <= 1e-9 * e.totalJoules)
    #expect(analysis.series.hops.reduce(0) { $0 + Int64($1) } == t.hops)
  }
}

/// The route word (`SimulatorStorage.route`, 32 bits: target core, delay, axon, or a pin) at
/// its extremes, against the reference simulator.
@Suite struct RouteWordTests {
  /// On the 65,536-core NS16e board: core (0, 0) fires every tick into the last axon of the last
  /// core with the longest delay, whose neuron sends on to the last pin: every field of the word
  /// at the largest value the board uses.
  @Test func farthestCoreLastAxonLongestDelayAndLastPin() throws {
    let chip = try ChipDefinition.load(path: chipdefPath("ns16e"))
    var first = CoreConfig(x: 0, y: 0)
    first.neurons[0] = Neuron(leak: 1, threshold: 1,
      destination: .axon(dx: Int32(chip.width - 1), dy: Int32(chip.height - 1), axon: 255, delay: Int32(chip.maxDelay)))
    var last = CoreConfig(x: chip.width - 1, y: chip.height - 1)
    last.crossbar[255, 255] = true
    last.neurons[255] = Neuron(weights: SIMD4(1, 0, 0, 0), threshold: 1, destination: .pin(Int32(chip.outputPins - 1)))
    let model = Model(chip: chip, cores: [first, last])
    let (fast, reference, _, _) = try SimulatorEquivalenceTests.runBoth(model, inputs: [], ticks: 40, threads: 1)
    #expect(fast == reference)
    let pins = fast.filter { $0.pin >= 0 }
    #expect(pins.first == OutputSpike(tick: Int64(chip.maxDelay), core: Int32(chip.coreCount - 1), neuron: 255, pin: Int32(chip.outputPins - 1)))
    #expect(pins.count == 40 - chip.maxDelay)
  }

  @Test func moreCoresOrPinsThanARouteNamesAreRefused() throws {
    var chip = try ChipDefinition.load(path: chipdefPath("tiny"))
    #expect(throws: Never.self) { try Simulator.checkRouteCapacity(chip: chip, cores: SimulatorStorage.maxCores) }
    do {
      try Simulator.checkRouteCapacity(chip: chip, cores: SimulatorStorage.maxCores + 1)
      Issue.record("983,041 cores accepted")
    } catch {
      #expect(error.description.contains("983041 configured cores; the simulator holds at most 983040"))
    }
    chip.outputPins = SimulatorStorage.maxPins + 1
    #expect(throws: SimulationError.self) { try Simulator.checkRouteCapacity(chip: chip, cores: 1) }
  }
}
