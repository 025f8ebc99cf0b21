import Testing
@testable import TrueNorth

/// The parallel build of `tnsim bench`: `Model.RandomCores.generatorStates` and
/// `core(id:generator:)` against `next()`, the crossbar rows against the draws bit by bit, and
/// `Simulator.buildingConcurrently(chip:seed:coreIDs:threads:recordAll:core:)` on 1, 2 and 3 threads
/// against the one-core-at-a-time build.
@Suite struct SimulatorConcurrentBuildTests {
  static func options(stochastic: Bool, cores: Int?) -> Model.RandomOptions {
    var o = Model.RandomOptions()
    o.rateHz = 100
    o.stochastic = stochastic
    o.cores = cores
    o.synapsesPerNeuron = 77
    return o
  }

  /// Every core built from its generator state is the core `next()` returns, and the states
  /// are the generator's at the start of each core.
  @Test(arguments: [false, true], [nil, 13])
  func coresFromStatesAreTheSequentialCores(stochastic: Bool, cores: Int?) throws {
    let chip = try SimulatorEquivalenceTests.tinyChip()
    var sequential = Model.RandomCores(chip: chip, seed: 5, options: Self.options(stochastic: stochastic, cores: cores))
    let states = sequential.generatorStates()
    #expect(states.count == (cores ?? chip.coreCount))
    for k in states.indices {
      #expect(sequential.rng == states[k])
      let c = sequential.next()
      #expect(c == sequential.core(id: k, generator: states[k]), "core \(k)")
    }
    #expect(sequential.next() == nil)
  }

  /// The rows drawn 8 at a time are the rows of one `nextUnit() < density` draw per bit, on a
  /// core size that is not a multiple of 8, at densities 0, 1 and between.
  @Test(arguments: [0, 1, 77, 128, 255, 256])
  func rowsAreTheDrawsBitByBit(synapses: Int) throws {
    var chip = try SimulatorEquivalenceTests.tinyChip()
    chip.neuronsPerCore = 203
    var options = Self.options(stochastic: false, cores: 3)
    options.synapsesPerNeuron = synapses
    let cores = Model.RandomCores(chip: chip, seed: 9, options: options)
    let states = cores.generatorStates()
    let density = Double(synapses) / Double(chip.axonsPerCore)
    var set = 0
    for k in states.indices {
      let core = cores.core(id: k, generator: states[k])
      var r = states[k]
      for i in 0..<chip.axonsPerCore {
        #expect(Int(core.axonTypes[i]) == r.next(below: chip.axonTypes))
        for j in 0..<chip.neuronsPerCore {
          let bit = r.nextUnit() < density
          if core.crossbar[i, j] != bit {
            Issue.record("core \(k) axon \(i) neuron \(j): \(core.crossbar[i, j]), drawn \(bit)")
            return
          }
          if bit { set += 1 }
        }
        for j in chip.neuronsPerCore..<256 where core.crossbar[i, j] { Issue.record("bit \(j) beyond the core set") }
      }
    }
    if synapses == 0 { #expect(set == 0) }
    if synapses == 256 { #expect(set == 3 * chip.axonsPerCore * chip.neuronsPerCore) }
    if synapses == 128 { #expect(set > 3 * chip.axonsPerCore * chip.neuronsPerCore * 2 / 5) }
  }

  /// The parallel build on 1, 2 and 3 threads is the one-core-at-a-time build: the same state
  /// word for word and the same spikes, potentials and counters over 30 ticks.
  @Test(arguments: [false, true], [1, 2, 3])
  func concurrentBuildIsTheSequentialBuild(stochastic: Bool, threads: Int) throws {
    let chip = try SimulatorEquivalenceTests.tinyChip()
    let options = Self.options(stochastic: stochastic, cores: chip.coreCount - 2)
    var cores = Model.RandomCores(chip: chip, seed: 5, options: options)
    let states = cores.generatorStates()
    let parallel = try Simulator.buildingConcurrently(chip: chip, seed: 5, coreIDs: cores.coreIDs, threads: threads, recordAll: true,
      core: { [cores] k in cores.core(id: k, generator: states[k]) })
    let sequential = try Simulator(chip: chip, seed: 5, coreIDs: cores.coreIDs, threads: threads, recordAll: true) { _ in
      cores.next()!
    }
    Self.expectSameState(parallel.storage, sequential.storage)
    SimulatorCoreByCoreTests.expectSame(parallel, sequential, chip: chip, ticks: 30, atLeast: 100)
  }

  /// Cores of one set and of a set per neuron mixed, with their own seeds: the parameter sets
  /// are placed in core order whatever thread builds which core.
  @Test(arguments: [1, 2, 3])
  func mixedCoresBuildTheSameState(threads: Int) throws {
    let chip = try SimulatorEquivalenceTests.tinyChip()
    var model = KernelEquivalenceTests.mixedModel(chip: chip, seed: 61)
    model.cores[3].seed = 1234
    model.cores.sort { chip.coreID(x: $0.x, y: $0.y) < chip.coreID(x: $1.x, y: $1.y) }
    #expect(model.cores.contains { !SimulatorStorage.isUniform($0) })
    #expect(model.cores.contains { SimulatorStorage.isUniform($0) })
    let ids = model.cores.map { chip.coreID(x: $0.x, y: $0.y) }
    let cores = model.cores
    let parallel = try Simulator.buildingConcurrently(chip: chip, seed: model.seed, coreIDs: ids, threads: threads, recordAll: true,
      core: { cores[$0] })
    let whole = try Simulator(model: model, threads: threads, recordAll: true)
    Self.expectSameState(parallel.storage, whole.storage)
    SimulatorCoreByCoreTests.expectSame(parallel, whole, chip: chip, ticks: 30, atLeast: 100)
  }

  /// A bad core is refused with the violation the one-core-at-a-time build gives, the first
  /// core's in id order even when a later core is bad too.
  @Test(arguments: [1, 2])
  func refusesWhatTheSequentialBuildRefuses(threads: Int) throws {
    let chip = try SimulatorEquivalenceTests.tinyChip()
    var options = Model.RandomOptions()
    options.cores = 12
    var generator = Model.RandomCores(chip: chip, seed: 1, options: options)
    var bad = (0..<12).map { _ in generator.next()! }
    bad[9].neurons[7].threshold = -5
    bad[5].neurons[3].leak = 100_000
    let all = bad
    var expected: SimulationError? = nil
    do { _ = try Simulator(chip: chip, seed: 1, coreIDs: Array(0..<12)) { all[$0] } } catch { expected = error }
    guard case .modelDoesNotFit(let v)? = expected else { Issue.record("the bad cores were accepted"); return }
    #expect(v.core == 5)
    do {
      _ = try Simulator.buildingConcurrently(chip: chip, seed: 1, coreIDs: Array(0..<12), threads: threads, core: { all[$0] })
      Issue.record("the bad cores were accepted")
    } catch {
      guard case .modelDoesNotFit(let w) = error else { Issue.record("\(error)"); return }
      #expect(w == v)
    }
    // A core at another id than announced.
    #expect(throws: SimulationError.self) {
      _ = try Simulator.buildingConcurrently(chip: chip, seed: 1, coreIDs: Array(0..<12), threads: threads, core: { all[($0 + 1) % 12] })
    }
  }

  /// The quick check of the loaders (`Model.NeuronLimits.fits`) passes a neuron exactly when
  /// `neuronViolations` finds nothing, on 20,000 neurons with every field drawn around its bounds.
  @Test func quickNeuronCheckIsTheFullCheck() throws {
    let chip = try SimulatorEquivalenceTests.tinyChip()
    var configured = [Int32](repeating: -1, count: chip.coreCount)
    for id in 0..<chip.coreCount where id % 3 != 1 { configured[id] = Int32(id) }
    let limits = Model.NeuronLimits(chip)
    var rng = SplitMix64(seed: 77)
    func near(_ r: ClosedRange<Int>) -> Int32 {
      let edges = [r.lowerBound - 1, r.lowerBound, r.upperBound, r.upperBound + 1, (r.lowerBound + r.upperBound) / 2]
      return Int32(edges[rng.next(below: edges.count)])
    }
    var passed = 0, failed = 0
    for i in 0..<20_000 {
      let core = CoreConfig(x: rng.next(below: chip.width), y: rng.next(below: chip.height))
      var n = Neuron()
      // Most fields in range, so that each bound is what decides the outcome.
      let wrong = rng.next(below: 12)
      n.weights = SIMD4(repeating: 1)
      if wrong == 0 { n.weights[rng.next(below: 4)] = near(chip.weightRange) }
      if wrong == 1 { n.leak = near(chip.leakRange) }
      if wrong == 2 { n.threshold = near(chip.thresholdRange) }
      if wrong == 3 { n.negativeThreshold = near(chip.negativeThresholdRange) }
      if wrong == 4 { n.thresholdMaskBits = near(chip.thresholdMaskRange) }
      if wrong == 5 { n.resetPotential = near(chip.resetPotentialRange) }
      if wrong == 6 { n.potential = near(chip.potentialRange) }
      switch rng.next(below: 3) {
      case 0: n.destination = .none
      case 1: n.destination = .pin(near(0...(chip.outputPins - 1)))
      default:
        let d = near(chip.delayRange), a = near(0...(chip.axonsPerCore - 1))
        n.destination = .axon(dx: wrong == 7 ? near(chip.offsetRange) : Int32(rng.next(below: 9)) - 4,
          dy: wrong == 8 ? near(chip.offsetRange) : Int32(rng.next(below: 9)) - 4,
          axon: wrong == 9 ? a : 0, delay: wrong == 10 ? d : 1)
      }
      let found = Model.neuronViolations(core: 0, core, neuron: i, n, chip: chip, configured: configured)
      #expect(limits.fits(n, x: core.x, y: core.y, configured: configured) == found.isEmpty, "\(n) at (\(core.x), \(core.y))")
      if found.isEmpty { passed += 1 } else { failed += 1 }
    }
    #expect(passed > 2_000 && failed > 2_000)
  }

  /// The two states hold the same words in every array.
  static func expectSameState(_ a: SimulatorStorage, _ b: SimulatorStorage) {
    #expect(a.bytes == b.bytes)
    #expect(a.parameterCapacity == b.parameterCapacity)
    func same<T: Equatable>(_ name: String, _ p: UnsafeMutablePointer<T>, _ q: UnsafeMutablePointer<T>, _ count: Int) {
      for i in 0..<count where p[i] != q[i] {
        Issue.record("\(name)[\(i)] differs")
        return
      }
    }
    let n = a.cores * SimulatorStorage.coreSize
    same("crossbar", a.crossbar, b.crossbar, n * SimulatorStorage.rowWords)
    same("axonTypes", a.axonTypes, b.axonTypes, a.cores * SimulatorStorage.typeWords)
    same("potential", a.potential, b.potential, n)
    same("route", a.route, b.route, n)
    same("parameterBase", a.parameterBase, b.parameterBase, a.cores)
    same("deterministic", a.deterministic, b.deterministic, a.cores * SimulatorStorage.axonTypeCount * SimulatorStorage.rowWords)
    same("rng", a.rng, b.rng, a.cores)
    same("coreFlags", a.coreFlags, b.coreFlags, a.cores)
    same("bucketPlan", a.bucketPlan, b.bucketPlan, a.cores)
    let sets = a.parameterCapacity
    same("weight", a.weight, b.weight, sets * SimulatorStorage.axonTypeCount)
    same("leak", a.leak, b.leak, sets)
    same("flags", a.flags, b.flags, sets)
    same("stochasticSynapses", a.stochasticSynapses, b.stochasticSynapses, sets)
    same("threshold", a.threshold, b.threshold, sets)
    same("negativeThreshold", a.negativeThreshold, b.negativeThreshold, sets)
    same("thresholdMask", a.thresholdMask, b.thresholdMask, sets)
    same("resetPotential", a.resetPotential, b.resetPotential, sets)
  }
}
