import Dispatch

/// The tick-exact simulator of a model on its chip (docs/neuron-model.md, docs/timing.md).
///
/// Timing: `step()` runs tick `tick`. An input spike injected for tick t is integrated in tick
/// t; a neuron that fires in tick t is reported with tick t, and its spike is integrated by the
/// target core in tick t + delay.
///
/// Determinism: every core has its own generator and draws in a fixed order, and the cores'
/// outgoing spikes are merged with OR (order-free), so outputs are bit-identical for any
/// thread count.
public final class Simulator: @unchecked Sendable {
  public let chip: ChipDefinition
  /// Linear ids of the configured cores, ascending; core k of the simulator is `coreIDs[k]`.
  public let coreIDs: [Int32]
  /// Which spikes are reported: those sent to output pins, or every spike.
  public var recordAll: Bool
  /// Whether `step()` fills `traffic` (for the routing and energy models).
  public var recordTraffic = false
  /// What the last `step()` sent over the mesh and computed per core, when `recordTraffic` is set.
  public private(set) var traffic = Traffic()
  /// The next tick `step()` runs.
  public private(set) var tick: Int64 = 0
  /// Counters since the start (or the last `resetStatistics()`).
  public private(set) var statistics = Statistics()
  /// The spikes reported by the last `step()`, ordered by core id then neuron.
  public private(set) var spikes: [OutputSpike] = []

  let storage: SimulatorStorage
  /// Maps a linear core id to the simulator's core index, or -1.
  let compactIndex: [Int32]
  let partitions: [Range<Int>]
  var partitionResults: [PartitionResult]
  /// The spikes partition q sends to partition d in a tick of parity x, at (x * P + q) * P + d
  /// (P partitions): written by q in its run of a tick, applied by d at the start of the next.
  let outbox: UnsafeMutablePointer<SpikeBuffer>

  /// Counters of simulated events.
  public struct Statistics: Sendable, Equatable {
    public var ticks: Int64 = 0
    /// Spikes fired by neurons (all destinations).
    public var spikes: Int64 = 0
    /// Spikes injected from outside.
    public var inputSpikes: Int64 = 0
    /// (active axon, synapse) pairs integrated: each is one synaptic event.
    public var synapticEvents: Int64 = 0
    /// Neuron updates the chip performs: every configured neuron, every tick.
    public var neuronUpdates: Int64 = 0
    /// Core-ticks the simulator actually computed (the rest were provably idle and skipped).
    public var coreTicksComputed: Int64 = 0
    public init() {}
  }

  /// The work of one tick, for the routing and energy models.
  public struct Traffic: Sendable {
    /// Spikes sent to axons: (source core id, target core id), ordered by source core id then neuron.
    public var routes: [Route] = []
    /// Synaptic events of each core that had any: (core id, events), ordered by core id.
    public var coreEvents: [(core: Int32, events: Int32)] = []
    public init() {}
  }

  /// One spike's path: from the core that fired to the core whose axon it targets.
  public struct Route: Sendable, Hashable {
    public var source: Int32
    public var target: Int32
  }

  struct PartitionResult {
    var routes: [UInt64] = []
    var coreEvents: [UInt64] = []
    var spikes: [OutputSpike] = []
    var synapticEvents: Int64 = 0
    var fired: Int64 = 0
    var computed: Int64 = 0

    /// Empties the lists and zeroes the counts, keeping the lists' capacity.
    mutating func clear() {
      routes.removeAll(keepingCapacity: true)
      coreEvents.removeAll(keepingCapacity: true)
      spikes.removeAll(keepingCapacity: true)
      synapticEvents = 0
      fired = 0
      computed = 0
    }
  }

  /// Cores per worker thread at least: fewer are not worth a thread's overhead.
  static let minimumCoresPerThread = 16

  /// Builds the simulator's state from a model, which must fit its chip.
  /// - Parameters:
  ///   - seed: replaces the model's seed (see `Model.effectiveSeed`).
  ///   - threads: worker threads; 0 = one per processor, capped so that each has enough cores.
  ///   - recordAll: report every spike, not only those sent to output pins.
  /// - Throws: `SimulationError.modelDoesNotFit` with the first violation when the model does
  ///   not fit its chip.
  public convenience init(model: Model, seed: UInt64? = nil, threads: Int = 0, recordAll: Bool = false) throws(SimulationError) {
    if let v = model.violations().first { throw .modelDoesNotFit(v) }
    let chip = model.chip
    let order = model.cores.indices.sorted {
      chip.coreID(x: model.cores[$0].x, y: model.cores[$0].y) < chip.coreID(x: model.cores[$1].x, y: model.cores[$1].y)
    }
    let ids = order.map { Int32(chip.coreID(x: model.cores[$0].x, y: model.cores[$0].y)) }
    try self.init(chip: chip, coreIDs: ids, threads: threads, recordAll: recordAll) { k throws(SimulationError) in
      (model.cores[order[k]], model.effectiveSeed(ofCore: order[k], seedOverride: seed))
    }
  }

  /// Builds the simulator's state core by core, without a `Model` holding every core: `core(k)`
  /// is called once for each k in 0..<`coreIDs.count`, in that order, and returns the core at the
  /// linear core id `coreIDs[k]`. Each core is checked as `Model.violations` would check it (its
  /// index in the violation is k) and dropped once loaded, so that the peak memory is the
  /// simulator's state and one core. The simulator is the one `init(model:)` builds from the
  /// model of these cores with seed `seed`.
  /// - Parameters:
  ///   - coreIDs: the linear ids of the cores, strictly ascending.
  ///   - seed: the model seed (see `Model.effectiveSeed`).
  /// - Throws: `SimulationError.modelDoesNotFit` with the first violation of the first core
  ///   that does not fit (ids out of order or off the chip are a violation of that core).
  public convenience init(chip: ChipDefinition, seed: UInt64, coreIDs: [Int], threads: Int = 0, recordAll: Bool = false,
    core: (Int) -> CoreConfig) throws(SimulationError)
  {
    let configured = try Self.configured(chip: chip, coreIDs: coreIDs)
    try self.init(chip: chip, coreIDs: coreIDs.map { Int32($0) }, threads: threads, recordAll: recordAll) {
      k throws(SimulationError) in
      let c = core(k)
      guard (0..<chip.width).contains(c.x), (0..<chip.height).contains(c.y), chip.coreID(x: c.x, y: c.y) == coreIDs[k] else {
        throw .modelDoesNotFit(Violation(core: k, c, "x", "core position (\(c.x), \(c.y)) is not core id \(coreIDs[k])"))
      }
      if let v = Model.violations(ofCore: k, c, chip: chip, configured: configured).first { throw .modelDoesNotFit(v) }
      return (c, Model.effectiveSeed(of: c, chip: chip, seed: seed))
    }
  }

  /// A simulator whose state is built on every processor (or `threads` of them): like
  /// `init(chip:seed:coreIDs:threads:recordAll:core:)`, but `core(k)` may be called from several
  /// threads at once and in any order (once for each k), so it must depend on k alone. The cores
  /// are built, checked and loaded a batch at a time, each at its fixed place in the state, so
  /// the simulator is the one the one-core-at-a-time initializer builds from the same cores,
  /// whatever the thread count; the peak memory is the state and one batch of cores.
  /// - Throws: `SimulationError.modelDoesNotFit` with the first violation of the first core (in
  ///   the order of `coreIDs`) that does not fit.
  public static func buildingConcurrently(chip: ChipDefinition, seed: UInt64, coreIDs: [Int], threads: Int = 0,
    recordAll: Bool = false, core: @escaping @Sendable (Int) -> CoreConfig) throws(SimulationError) -> Simulator
  {
    let configured = try Self.configured(chip: chip, coreIDs: coreIDs)
    let workers = threads > 0 ? threads : ProcessInfo.activeProcessorCountCached
    let storage = try Self.loadConcurrently(chip: chip, coreIDs: coreIDs, workers: workers) { k in
      let c = core(k)
      guard (0..<chip.width).contains(c.x), (0..<chip.height).contains(c.y), chip.coreID(x: c.x, y: c.y) == coreIDs[k] else {
        return .failure(.modelDoesNotFit(Violation(core: k, c, "x", "core position (\(c.x), \(c.y)) is not core id \(coreIDs[k])")))
      }
      if let v = Model.violations(ofCore: k, c, chip: chip, configured: configured).first { return .failure(.modelDoesNotFit(v)) }
      return .success((c, Model.effectiveSeed(of: c, chip: chip, seed: seed)))
    }
    return Simulator(chip: chip, coreIDs: coreIDs.map { Int32($0) }, threads: threads, recordAll: recordAll, storage: storage)
  }

  /// Per core id of the chip, the index of the core there, or -1; refuses ids off the chip or
  /// not strictly ascending.
  static func configured(chip: ChipDefinition, coreIDs: [Int]) throws(SimulationError) -> [Int32] {
    var configured = [Int32](repeating: -1, count: chip.coreCount)
    for (k, id) in coreIDs.enumerated() {
      guard (0..<chip.coreCount).contains(id), k == 0 || id > coreIDs[k - 1] else {
        throw .modelDoesNotFit(Violation(core: k, coreX: nil, coreY: nil, neuron: nil, axon: nil, field: "x",
          message: "core id \(id) is off the chip or not above the previous core's"))
      }
      configured[id] = Int32(k)
    }
    return configured
  }

  /// Refuses more configured cores, or a chip with more output pins, than a route word
  /// (`SimulatorStorage.route`) addresses: 983,040 cores and 268,435,455 pins.
  static func checkRouteCapacity(chip: ChipDefinition, cores: Int) throws(SimulationError) {
    if cores > SimulatorStorage.maxCores {
      throw .modelDoesNotFit(Violation(core: nil, coreX: nil, coreY: nil, neuron: nil, axon: nil, field: "cores",
        message: "\(cores) configured cores; the simulator holds at most \(SimulatorStorage.maxCores)"))
    }
    if chip.outputPins > SimulatorStorage.maxPins {
      throw .modelDoesNotFit(Violation(core: nil, coreX: nil, coreY: nil, neuron: nil, axon: nil, field: "outputPins",
        message: "the chip has \(chip.outputPins) output pins; the simulator routes to at most \(SimulatorStorage.maxPins)"))
    }
  }

  /// Cores built, checked and loaded per batch per worker of `loadConcurrently`.
  static let coresPerBatch = 32

  /// The state of the cores `core(k)` at the ascending ids `coreIDs`, built and loaded by
  /// `workers` threads a batch at a time: the batch's cores are built and checked in parallel,
  /// their parameter sets placed in core order (one thread), then loaded in parallel, each core
  /// into its own part of the state.
  static func loadConcurrently(chip: ChipDefinition, coreIDs: [Int], workers: Int,
    core: @escaping @Sendable (Int) -> Result<(config: CoreConfig, seed: UInt64), SimulationError>) throws(SimulationError)
    -> SimulatorStorage
  {
    try checkRouteCapacity(chip: chip, cores: coreIDs.count)
    var compact = [Int32](repeating: -1, count: chip.coreCount)
    for (k, id) in coreIDs.enumerated() { compact[id] = Int32(k) }
    let compactIndex = compact
    let storage = SimulatorStorage(cores: coreIDs.count, parameterSets: coreIDs.count, chip: chip)
    let workers = max(1, workers)
    let batch = workers * Self.coresPerBatch
    typealias Built = (result: Result<(config: CoreConfig, seed: UInt64), SimulationError>, uniform: Bool)
    let built = UnsafeMutablePointer<Built?>.allocate(capacity: batch)
    built.initialize(repeating: nil, count: batch)
    let firstSets = UnsafeMutablePointer<Int>.allocate(capacity: batch)
    defer {
      built.deinitialize(count: batch)
      built.deallocate()
      firstSets.deallocate()
    }
    let slots = SendablePointer(built), sets = SendablePointer(firstSets)
    var firstSet = 0
    var start = 0
    while start < coreIDs.count {
      let n = min(batch, coreIDs.count - start)
      let s = start
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        for i in stride(from: w, to: n, by: workers) {
          let r = core(s + i)
          var uniform = true
          if case .success(let c) = r { uniform = SimulatorStorage.isUniform(c.config) }
          slots.pointer[i] = (r, uniform)
        }
      }
      for i in 0..<n {
        if case .failure(let e) = built[i]!.result { throw e }
        firstSets[i] = firstSet
        firstSet += built[i]!.uniform ? 1 : chip.neuronsPerCore
      }
      storage.reserveParameterSets(firstSet)
      DispatchQueue.concurrentPerform(iterations: workers) { w in
        for i in stride(from: w, to: n, by: workers) {
          guard case .success(let c) = slots.pointer[i]!.result else { continue }
          storage.load(core: s + i, from: c.config, chip: chip, compactIndex: compactIndex, seed: c.seed,
            parameterBase: sets.pointer[i], uniform: slots.pointer[i]!.uniform)
          slots.pointer[i] = nil
        }
      }
      start += n
    }
    storage.trimParameterSets(firstSet)
    return storage
  }

  /// Builds the state from the cores `core(k)` at the ascending ids `coreIDs`, each with its seed.
  convenience init(chip: ChipDefinition, coreIDs: [Int32], threads: Int, recordAll: Bool,
    core: (Int) throws(SimulationError) -> (config: CoreConfig, seed: UInt64)) throws(SimulationError)
  {
    try Self.checkRouteCapacity(chip: chip, cores: coreIDs.count)
    var compact = [Int32](repeating: -1, count: chip.coreCount)
    for (k, id) in coreIDs.enumerated() { compact[Int(id)] = Int32(k) }
    // Room for one parameter set per core (every core uniform); a core with a set per neuron adds room.
    let storage = SimulatorStorage(cores: coreIDs.count, parameterSets: coreIDs.count, chip: chip)
    var firstSet = 0
    for k in coreIDs.indices {
      let (config, seed) = try core(k)
      let uniform = SimulatorStorage.isUniform(config)
      let sets = uniform ? 1 : chip.neuronsPerCore
      storage.reserveParameterSets(firstSet + sets)
      storage.load(core: k, from: config, chip: chip, compactIndex: compact, seed: seed, parameterBase: firstSet,
        uniform: uniform)
      firstSet += sets
    }
    storage.trimParameterSets(firstSet)
    self.init(chip: chip, coreIDs: coreIDs, threads: threads, recordAll: recordAll, storage: storage)
  }

  /// A simulator over loaded state: the worker partitions and their outboxes.
  init(chip: ChipDefinition, coreIDs: [Int32], threads: Int, recordAll: Bool, storage: SimulatorStorage) {
    self.chip = chip
    self.recordAll = recordAll
    self.coreIDs = coreIDs
    var compact = [Int32](repeating: -1, count: chip.coreCount)
    for (k, id) in coreIDs.enumerated() { compact[Int(id)] = Int32(k) }
    compactIndex = compact
    self.storage = storage
    let available = threads > 0 ? threads : ProcessInfo.activeProcessorCountCached
    let useful = max(1, min(available, coreIDs.count / Self.minimumCoresPerThread))
    partitions = (0..<useful).map { p in (coreIDs.count * p / useful)..<(coreIDs.count * (p + 1) / useful) }
    partitionResults = Array(repeating: PartitionResult(), count: useful)
    for (p, range) in partitions.enumerated() {
      for k in range { storage.partitionOf[k] = Int32(p) }
    }
    outbox = .allocate(capacity: 2 * useful * useful)
    outbox.initialize(repeating: SpikeBuffer(), count: 2 * useful * useful)
  }

  deinit {
    for i in 0..<2 * partitions.count * partitions.count { outbox[i].free() }
    outbox.deallocate()
  }

  /// The number of worker threads a step uses.
  public var threadCount: Int { partitions.count }

  /// Schedules an input spike for `tick` (at most `chip.maxDelay` ticks ahead of the next tick).
  /// - Returns: false when the core is not configured, the axon is out of range or the tick is
  ///   outside the scheduler's window; the spike is then dropped.
  @discardableResult
  public func inject(_ spike: InputSpike) -> Bool {
    guard spike.core >= 0, Int(spike.core) < compactIndex.count, spike.axon >= 0,
      Int(spike.axon) < chip.axonsPerCore, spike.tick >= tick, spike.tick - tick < Int64(SimulatorStorage.slots)
    else { return false }
    let k = compactIndex[Int(spike.core)]
    guard k >= 0 else { return false }
    storage.schedule(core: Int(k), slot: Int(spike.tick) & SimulatorStorage.slotMask, axon: Int(spike.axon))
    statistics.inputSpikes += 1
    return true
  }

  /// Schedules input spikes for the next tick to run, `axon` of `core` each, as `inject` would
  /// (the same checks; a spike that fails them is dropped), with one update of the counters.
  /// - Returns: the number of spikes scheduled.
  @discardableResult
  public func injectForNextTick(_ targets: [(core: Int32, axon: Int32)]) -> Int {
    let slot = Int(tick) & SimulatorStorage.slotMask
    var accepted = 0
    for (core, axon) in targets {
      guard core >= 0, Int(core) < compactIndex.count, axon >= 0, Int(axon) < chip.axonsPerCore else { continue }
      let k = compactIndex[Int(core)]
      guard k >= 0 else { continue }
      storage.schedule(core: Int(k), slot: slot, axon: Int(axon))
      accepted += 1
    }
    statistics.inputSpikes += Int64(accepted)
    return accepted
  }

  /// Runs one tick: integrate, leak, threshold, fire, route. The reported spikes are in `spikes`.
  ///
  /// Each partition first applies the spikes that every partition sent to its cores in the
  /// previous tick (they arrive in tick t + delay, so at the earliest in this tick), then runs
  /// its cores: a worker writes only the scheduler words and flags of its own cores.
  /// - Complexity: O(configured neurons + synaptic events + spikes); idle cores are skipped.
  public func step() {
    let t = tick
    let record = recordAll
    let routes = recordTraffic
    let count = partitions.count
    let parity = Int(t & 1)
    if count == 1 {
      storage.deliver(outbox[1 - parity])
      storage.run(cores: partitions[0], tick: t, recordAll: record, recordTraffic: routes, coreIDs: coreIDs,
        outgoing: outbox + parity, partitions: 1, into: &partitionResults[0])
    } else {
      let box = SendablePointer(outbox)
      partitionResults.withUnsafeMutableBufferPointer { results in
        let base = SendablePointer(results.baseAddress!)
        DispatchQueue.concurrentPerform(iterations: count) { p in
          for q in 0..<count { storage.deliver(box.pointer[((1 - parity) * count + q) * count + p]) }
          storage.run(cores: partitions[p], tick: t, recordAll: record, recordTraffic: routes, coreIDs: coreIDs,
            outgoing: box.pointer + (parity * count + p) * count, partitions: count, into: &base.pointer[p])
        }
      }
    }
    spikes.removeAll(keepingCapacity: true)
    if routes {
      traffic.routes.removeAll(keepingCapacity: true)
      traffic.coreEvents.removeAll(keepingCapacity: true)
      for p in partitionResults.indices {
        for r in partitionResults[p].routes {
          traffic.routes.append(Route(source: coreIDs[Int(r >> 32)], target: coreIDs[Int(r & 0xFFFF_FFFF)]))
        }
        for e in partitionResults[p].coreEvents {
          traffic.coreEvents.append((coreIDs[Int(e >> 32)], Int32(truncatingIfNeeded: e & 0xFFFF_FFFF)))
        }
      }
    }
    for p in partitionResults.indices {
      spikes.append(contentsOf: partitionResults[p].spikes)
      statistics.synapticEvents += partitionResults[p].synapticEvents
      statistics.spikes += partitionResults[p].fired
      statistics.coreTicksComputed += partitionResults[p].computed
    }
    statistics.ticks += 1
    statistics.neuronUpdates += Int64(coreIDs.count * chip.neuronsPerCore)
    tick += 1
  }

  /// The membrane potential of a neuron of the core with linear id `core`.
  public func potential(core: Int, neuron: Int) -> Int32? {
    guard core >= 0, core < compactIndex.count, compactIndex[core] >= 0 else { return nil }
    return storage.potential(core: Int(compactIndex[core]), neuron: neuron)
  }

  /// Zeroes the counters (the state of the chip is kept).
  public func resetStatistics() { statistics = Statistics() }

  /// Peak bytes of simulator state (crossbars, neuron parameters and state, schedulers).
  public var stateBytes: Int { storage.bytes }
}

import Foundation

extension ProcessInfo {
  static let activeProcessorCountCached = ProcessInfo.processInfo.activeProcessorCount
}

/// A pointer handed to worker threads that each touch only their own element.
struct SendablePointer<T>: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<T>
  init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
