import Testing
@testable import TrueNorth

/// `Simulator(chip:seed:coreIDs:core:)`, which builds the state core by core without a whole
/// `Model`, against `Simulator(model:)` on the model of the same cores.
@Suite struct SimulatorCoreByCoreTests {
  /// Runs both simulators `ticks` ticks with the same input and expects the same spikes,
  /// potentials, counters and state size.
  static func expectSame(_ a: Simulator, _ b: Simulator, chip: ChipDefinition, ticks: Int, atLeast: Int) {
    let inputs = SimulatorEquivalenceTests.randomInputs(chip: chip, cores: chip.coreCount, ticks: ticks, perTick: 100, seed: 9)
    var spikes = 0
    for t in 0..<ticks {
      for s in inputs where s.tick == Int64(t) { #expect(a.inject(s) == b.inject(s)) }
      a.step()
      b.step()
      #expect(a.spikes == b.spikes)
      spikes += a.spikes.count
    }
    #expect(spikes > atLeast)
    #expect(a.statistics == b.statistics)
    #expect(a.stateBytes == b.stateBytes)
    for id in 0..<chip.coreCount {
      for j in 0..<chip.neuronsPerCore where a.potential(core: id, neuron: j) != b.potential(core: id, neuron: j) {
        Issue.record("core \(id) neuron \(j): potentials differ")
        return
      }
    }
  }

  @Test(arguments: [false, true], [1, 2])
  func randomCoresMatchTheModel(stochastic: Bool, threads: Int) throws {
    let chip = try SimulatorEquivalenceTests.tinyChip()
    var options = Model.RandomOptions()
    options.rateHz = 100
    options.stochastic = stochastic
    options.cores = chip.coreCount - 3
    let model = Model.random(chip: chip, seed: 5, options: options)
    var cores = Model.RandomCores(chip: chip, seed: 5, options: options)
    let coreByCore = try Simulator(chip: chip, seed: 5, coreIDs: cores.coreIDs, threads: threads, recordAll: true) { _ in
      cores.next()!
    }
    #expect(cores.next() == nil)
    let whole = try Simulator(model: model, threads: threads, recordAll: true)
    Self.expectSame(coreByCore, whole, chip: chip, ticks: 30, atLeast: 100)
  }

  /// Cores of one set and of one set per neuron mixed (the parameter sets grow while loading),
  /// cores given out of the model's order, each with its own seed.
  @Test func mixedCoresMatchTheModel() throws {
    let chip = try SimulatorEquivalenceTests.tinyChip()
    var model = KernelEquivalenceTests.mixedModel(chip: chip, seed: 61)
    model.cores.reverse()
    model.cores[3].seed = 1234
    let order = model.cores.indices.sorted { chip.coreID(x: model.cores[$0].x, y: model.cores[$0].y) < chip.coreID(x: model.cores[$1].x, y: model.cores[$1].y) }
    let ids = order.map { chip.coreID(x: model.cores[$0].x, y: model.cores[$0].y) }
    let coreByCore = try Simulator(chip: chip, seed: model.seed, coreIDs: ids, recordAll: true) { model.cores[order[$0]] }
    let whole = try Simulator(model: model, recordAll: true)
    // The sets grew while loading and were trimmed: exactly one per uniform core, one per neuron otherwise.
    let sets = model.cores.reduce(0) { $0 + (SimulatorStorage.isUniform($1) ? 1 : chip.neuronsPerCore) }
    #expect(model.cores.contains { !SimulatorStorage.isUniform($0) })
    #expect(coreByCore.storage.parameterCapacity == sets)
    Self.expectSame(coreByCore, whole, chip: chip, ticks: 30, atLeast: 100)
  }

  @Test func refusesWhatTheModelWouldRefuse() throws {
    let chip = try SimulatorEquivalenceTests.tinyChip()
    var options = Model.RandomOptions()
    options.cores = 4
    var cores = Model.RandomCores(chip: chip, seed: 1, options: options)
    let all = (0..<4).map { _ in cores.next()! }
    // Ids not ascending.
    #expect(throws: SimulationError.self) {
      _ = try Simulator(chip: chip, seed: 1, coreIDs: [0, 2, 1, 3]) { all[$0] }
    }
    // A core at another id than announced.
    #expect(throws: SimulationError.self) {
      _ = try Simulator(chip: chip, seed: 1, coreIDs: [0, 1, 2, 3]) { all[($0 + 1) % 4] }
    }
    // A neuron field out of range: the model's first violation, with the core's index.
    var bad = all
    bad[2].neurons[7].threshold = -5
    let expected = Model(chip: chip, seed: 1, cores: bad).violations().first
    #expect(expected != nil)
    do {
      _ = try Simulator(chip: chip, seed: 1, coreIDs: [0, 1, 2, 3]) { bad[$0] }
      Issue.record("the bad core was accepted")
    } catch {
      guard case .modelDoesNotFit(let v) = error else { Issue.record("\(error)"); return }
      #expect(v == expected)
    }
  }
}
