import Foundation
import TrueNorth
import TrueNorthIO

/// One rank's share of a board simulated across ranks: the cores of its chips
/// (`BoardPartition`) in a `Simulator` of their own, and each tick's exchange of the spikes that
/// cross to other ranks' chips in one all-to-all.
///
/// The kernel needs no hook: the rank's simulator runs a model of its own cores in which every
/// neuron that sends to another rank's core sends to output pin 0 instead, so the simulator
/// reports exactly the spikes that leave the rank (and those to real pins; every spike with
/// `recordAll`); a spike of such a neuron is sent to the owner of its target, which schedules
/// it with `Simulator.inject` for the tick it arrives in (fired in t, integrated in t + delay,
/// so at the earliest in the next tick, after the exchange). Scheduling is an OR into the
/// target's axon bits, so arrival order does not matter, as between the threads of one process;
/// and each core draws from its own generator, seeded by its id. Outputs are therefore the same
/// for any rank and thread count.
///
/// Reported spikes go to rank 0 in the same all-to-all; rank 0 orders each tick's by core and
/// neuron, as one simulator does, and writes them.
///
/// Each exchanged spike is a record of three UInt32 (12 bytes): to another rank, the target
/// core, axon and delay; to rank 0 for the output, the firing core with bit 31 set, the neuron
/// and the pin (or -1).
public final class DistributedBoard {
  /// The process's MPI world.
  public let world: MPIWorld
  /// How the board is spread over the ranks.
  public let partition: BoardPartition
  /// This rank's simulator (its cores only).
  public let simulator: Simulator
  /// Report every spike, not only those to output pins.
  public let recordAll: Bool
  /// Whether each linear core id is configured in the whole model.
  let configured: [Bool]
  /// Per owned core (simulator order) and neuron: what its spike needs besides the local
  /// simulator (`Route`), 0 for nothing.
  let routes: [UInt64]
  /// The simulator's core index of each linear core id, or -1.
  let local: [Int32]
  let neuronsPerCore: Int

  /// What one rank did in a run.
  public struct RankFigures: Sendable, Equatable {
    public var cores = 0
    public var ticks: Int64 = 0
    public var fired: Int64 = 0
    public var inputSpikes: Int64 = 0
    public var synapticEvents: Int64 = 0
    /// Spikes this rank sent to other ranks' cores.
    public var crossSpikes: Int64 = 0
    /// Spikes it sent to rank 0 to report.
    public var reported: Int64 = 0
    public var bytesSent: Int64 = 0
    public var bytesReceived: Int64 = 0
    /// Seconds in the rank's simulator (and sorting its spikes out).
    public var computeSeconds = 0.0
    /// Seconds in the exchange (waiting for the slowest rank included) and scheduling what arrived.
    public var exchangeSeconds = 0.0
    /// Processor seconds of the rank in its simulator and sorting (all its threads), and in the
    /// exchange: unlike the wall times, they do not grow when other processes share the processors.
    public var computeCPUSeconds = 0.0
    public var exchangeCPUSeconds = 0.0
    public var stateBytes = 0

    public init() {}

    static let fields = 14
    var words: [Int64] {
      [Int64(cores), ticks, fired, inputSpikes, synapticEvents, crossSpikes, reported, bytesSent, bytesReceived,
        Int64(computeSeconds * 1e9), Int64(exchangeSeconds * 1e9), Int64(stateBytes), Int64(computeCPUSeconds * 1e9),
        Int64(exchangeCPUSeconds * 1e9)]
    }
    init(words w: [Int64]) {
      cores = Int(w[0]); ticks = w[1]; fired = w[2]; inputSpikes = w[3]; synapticEvents = w[4]; crossSpikes = w[5]; reported = w[6]
      bytesSent = w[7]; bytesReceived = w[8]; computeSeconds = Double(w[9]) / 1e9; exchangeSeconds = Double(w[10]) / 1e9; stateBytes = Int(w[11])
      computeCPUSeconds = Double(w[12]) / 1e9; exchangeCPUSeconds = Double(w[13]) / 1e9
    }
  }

  static let remoteBit: UInt64 = 1 << 63
  static let pinBit: UInt64 = 1 << 62
  static let outputFlag: UInt32 = 1 << 31

  /// This rank's share of `model`.
  /// - Parameters:
  ///   - seed: replaces the model's seed, as `Simulator.init` does.
  ///   - threads: the rank's simulator's threads (0 = one per processor).
  ///   - recordAll: report every spike, not only those sent to output pins.
  /// - Throws: `BoardPartitionError` when the ranks do not divide the board's chips;
  ///   `SimulationError.modelDoesNotFit` when the model does not fit its chip.
  public convenience init(model: Model, world: MPIWorld, seed: UInt64?, threads: Int, recordAll: Bool) throws {
    if let v = model.violations().first { throw SimulationError.modelDoesNotFit(v) }
    let chip = model.chip
    let order = model.cores.indices.sorted {
      chip.coreID(x: model.cores[$0].x, y: model.cores[$0].y) < chip.coreID(x: model.cores[$1].x, y: model.cores[$1].y)
    }
    try self.init(chip: chip, seed: seed ?? model.seed, coreIDs: order.map { chip.coreID(x: model.cores[$0].x, y: model.cores[$0].y) },
      world: world, threads: threads, recordAll: recordAll) { model.cores[order[$0]] }
  }

  /// This rank's share of a board whose core k is `core(k)`, at the linear id `coreIDs[k]`. Only
  /// the rank's own cores are built, on the rank's processors a batch at a time
  /// (`Simulator.buildingConcurrently`), so no rank ever holds the whole model, only its
  /// simulator's state and one batch of cores (`tnsim bench board-16` across ranks builds the
  /// board this way, each core from its generator state). `core(k)` may be called from several
  /// threads at once and in any order, so it must depend on k alone. Each kept core is checked as
  /// `Model.violations` checks it (its index in the violation is k), against every configured core.
  /// - Parameters:
  ///   - seed: the model seed (see `Model.effectiveSeed`).
  ///   - coreIDs: the linear ids of all the board's configured cores, strictly ascending.
  /// - Throws: `BoardPartitionError` when the ranks do not divide the board's chips;
  ///   `SimulationError.modelDoesNotFit` when a core does not fit.
  public init(chip: ChipDefinition, seed: UInt64, coreIDs: [Int], world: MPIWorld, threads: Int, recordAll: Bool,
    core: @escaping @Sendable (Int) -> CoreConfig) throws
  {
    let partition = try BoardPartition(chip: chip, ranks: world.size)
    let rank = world.rank
    var configured = [Bool](repeating: false, count: chip.coreCount)
    var index = [Int32](repeating: -1, count: chip.coreCount)
    for (k, id) in coreIDs.enumerated() where (0..<chip.coreCount).contains(id) {
      configured[id] = true
      index[id] = Int32(k)
    }
    let globalIndex = index
    // The whole board's index of each of this rank's cores, for `core` and the violations.
    let mineAt = coreIDs.indices.filter { partition.rank(ofCore: coreIDs[$0]) == rank }
    let mine = mineAt.map { coreIDs[$0] }
    let n = chip.neuronsPerCore
    let failures = BuildFailures(cores: mine.count)
    var local = [Int32](repeating: -1, count: chip.coreCount)
    for (k, id) in mine.enumerated() { local[id] = Int32(k) }
    // Each core's neurons' routes are written by the thread that builds the core, at its own place.
    var routes = [UInt64](repeating: 0, count: mine.count * n)
    let built = try routes.withUnsafeMutableBufferPointer { buffer in
      let out = RoutesOut(buffer.baseAddress)
      do {
        return try Simulator.buildingConcurrently(chip: chip, seed: seed, coreIDs: mine, threads: threads, recordAll: recordAll) { k in
          var c = core(mineAt[k])
          if let v = Model.violations(ofCore: mineAt[k], c, chip: chip, configured: globalIndex).first {
            failures.slots[k] = .modelDoesNotFit(v)
          }
          for j in c.neurons.indices {
            switch c.neurons[j].destination {
            case .axon(let dx, let dy, let axon, let delay):
              let x = c.x + Int(dx), y = c.y + Int(dy)
              guard partition.rank(x: x, y: y) != rank else { continue }
              out.pointer![k * n + j] = Self.remoteBit | UInt64(delay) << 40 | UInt64(axon) << 32 | UInt64(chip.coreID(x: x, y: y))
              c.neurons[j].destination = .pin(0)
            case .pin(let p):
              out.pointer![k * n + j] = Self.pinBit | UInt64(UInt32(bitPattern: p))
            case .none:
              break
            }
          }
          return c
        }
      } catch {
        throw failures.first ?? error
      }
    }
    if let failure = failures.first { throw failure }
    simulator = built
    self.world = world
    self.partition = partition
    self.recordAll = recordAll
    self.configured = configured
    self.routes = routes
    self.local = local
    neuronsPerCore = n
  }

  /// The violation each core's build found against the whole board, written by the thread that
  /// builds the core, at its own place.
  private final class BuildFailures: @unchecked Sendable {
    let slots: UnsafeMutablePointer<SimulationError?>
    let count: Int

    init(cores: Int) {
      count = max(cores, 1)
      slots = .allocate(capacity: count)
      slots.initialize(repeating: nil, count: count)
    }

    /// The violation of the first core (in core order) that had one.
    var first: SimulationError? { (0..<count).lazy.compactMap { self.slots[$0] }.first }

    deinit {
      slots.deinitialize(count: count)
      slots.deallocate()
    }
  }

  /// The routes array's storage, handed to the build threads (each writes its own cores' part).
  private struct RoutesOut: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt64>?
    init(_ pointer: UnsafeMutablePointer<UInt64>?) { self.pointer = pointer }
  }

  /// The rank whose simulator takes an input spike to `core`: its owner, or rank 0 for a core
  /// that is not configured (which then refuses it).
  func owner(ofInput core: Int32) -> Int {
    guard core >= 0, Int(core) < configured.count, configured[Int(core)] else { return 0 }
    return partition.rank(ofCore: Int(core))
  }

  /// Runs the board, every rank in step.
  ///
  /// - Parameters:
  ///   - ticks: ticks to run; nil = until `Simulator.drainTicks` after the last input spike.
  ///   - input: the input spikes (every rank reads all of them and keeps its cores').
  ///   - output: rank 0's sink for the reported spikes (ignored elsewhere).
  ///   - beforeTick: called with each tick before it runs.
  /// - Returns: this rank's figures.
  /// - Throws: `InputError` for a spike the model refuses or an unreadable input, `MPIError`
  ///   when an exchange fails or waits too long, and what `output` throws.
  public func run(ticks: Int64?, input: (any SpikeFileSource<InputSpike>)?, output: (any SpikeSink<OutputSpike>)?,
    beforeTick: ((Int64) -> Void)? = nil
  ) throws -> RankFigures {
    var figures = RankFigures()
    figures.cores = simulator.coreIDs.count
    figures.stateBytes = simulator.stateBytes
    let rank = world.rank, size = world.size
    var source = input
    var pending = try source?.nextRecord()
    var lastInputTick = pending?.tick ?? -1
    var outgoing = [[UInt32]](repeating: [], count: size)
    var merged: [OutputSpike] = []
    let trafficBefore = world.traffic
    let startTick = simulator.tick
    var exchanged: Int64 = 0
    while true {
      let t = simulator.tick
      if let ticks {
        if t - startTick >= ticks { break }
      } else if pending == nil && t > lastInputTick + Simulator.drainTicks {
        break
      }
      beforeTick?(t)
      let started = DispatchTime.now().uptimeNanoseconds, startedCPU = Self.processorNanoseconds()
      while let p = pending, p.tick <= t {
        if p.tick == t, owner(ofInput: p.core) == rank, !simulator.inject(p) {
          let location = source?.lastLocation
          throw InputError(file: source?.path ?? "input", line: location?.line, path: location?.path,
            message: "spike to core \(p.core) axon \(p.axon): \(rejection(of: p))")
        }
        lastInputTick = p.tick
        pending = try source?.nextRecord()
      }
      simulator.step()
      for r in 0..<size { outgoing[r].removeAll(keepingCapacity: true) }
      for s in simulator.spikes {
        let route = routes[Int(local[Int(s.core)]) * neuronsPerCore + Int(s.neuron)]
        if route & Self.remoteBit != 0 {
          let target = UInt32(truncatingIfNeeded: route)
          Self.put(&outgoing[partition.rank(ofCore: Int(target))], target, UInt32(truncatingIfNeeded: route >> 32) & 0xFF,
            UInt32(truncatingIfNeeded: route >> 40) & 0xFF)
          figures.crossSpikes += 1
        }
        let pin: Int32 = route & Self.pinBit != 0 ? Int32(bitPattern: UInt32(truncatingIfNeeded: route)) : -1
        if recordAll || pin >= 0 {
          Self.put(&outgoing[0], UInt32(bitPattern: s.core) | Self.outputFlag, UInt32(bitPattern: s.neuron), UInt32(bitPattern: pin))
          figures.reported += 1
        }
      }
      let computed = DispatchTime.now().uptimeNanoseconds, computedCPU = Self.processorNanoseconds()
      let incoming = try world.allToAll(outgoing)
      merged.removeAll(keepingCapacity: true)
      for buffer in incoming {
        var at = 0
        while at + 3 <= buffer.count {
          let a = buffer[at], b = buffer[at + 1], c = buffer[at + 2]
          at += 3
          if a & Self.outputFlag != 0 {
            merged.append(OutputSpike(tick: t, core: Int32(bitPattern: a & ~Self.outputFlag), neuron: Int32(bitPattern: b), pin: Int32(bitPattern: c)))
          } else {
            simulator.inject(InputSpike(tick: t + Int64(c), core: Int32(bitPattern: a), axon: Int32(bitPattern: b)))
            exchanged += 1
          }
        }
      }
      if rank == 0, let output {
        merged.sort()
        for s in merged { try output.write(s) }
      }
      let done = DispatchTime.now().uptimeNanoseconds, doneCPU = Self.processorNanoseconds()
      figures.computeSeconds += Double(computed - started) / 1e9
      figures.exchangeSeconds += Double(done - computed) / 1e9
      figures.computeCPUSeconds += Double(computedCPU - startedCPU) / 1e9
      figures.exchangeCPUSeconds += Double(doneCPU - computedCPU) / 1e9
    }
    let s = simulator.statistics
    figures.ticks = simulator.tick - startTick
    figures.fired = s.spikes
    figures.inputSpikes = s.inputSpikes - exchanged
    figures.synapticEvents = s.synapticEvents
    figures.bytesSent = Int64(world.traffic.bytesSent - trafficBefore.bytesSent)
    figures.bytesReceived = Int64(world.traffic.bytesReceived - trafficBefore.bytesReceived)
    return figures
  }

  /// Every rank's figures, in rank order (a collective).
  /// - Throws: `MPIError` when the exchange fails.
  public func gather(_ figures: RankFigures) throws -> [RankFigures] {
    let all = try world.allGather(figures.words.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } })
    return all.map { b in
      RankFigures(words: (0..<RankFigures.fields).map { i in (0..<8).reduce(Int64(0)) { $0 | Int64(b[8 * i + $1]) << (8 * $1) } })
    }
  }

  func rejection(of p: InputSpike) -> String {
    if p.core >= 0 && Int(p.core) < configured.count && configured[Int(p.core)] {
      return "axon out of range; allowed: 0...\(simulator.chip.axonsPerCore - 1)"
    }
    return "core \(p.core) is not configured in the model (core ids are y * \(simulator.chip.width) + x)"
  }

  /// The processor time of the process so far (all threads), nanoseconds.
  static func processorNanoseconds() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
  }

  static func put(_ buffer: inout [UInt32], _ a: UInt32, _ b: UInt32, _ c: UInt32) {
    buffer.append(a)
    buffer.append(b)
    buffer.append(c)
  }
}
