/// A run at cycle fidelity: after every tick of the (exact) simulator, the tick's traffic is
/// scheduled through the mesh by a `CycleModel`; this collects the per-tick costs, the deadline
/// misses, the run's counted events and energy (docs/routing-and-energy.md).
///
/// The spikes the simulator produces are the same as at tick fidelity: the cycle model only
/// observes them.
public final class CycleRun {
  /// The cycle model (its link loads cover the whole run).
  public let model: CycleModel
  /// Throw at the first deadline miss instead of counting it.
  public let strict: Bool
  /// Counted events over the run.
  public private(set) var totals = EventCounts()
  /// Ticks analysed.
  public private(set) var ticks: Int64 = 0
  /// Ticks that missed their deadline.
  public private(set) var missCount: Int64 = 0
  /// The first `missLimit` misses, in tick order.
  public private(set) var misses: [DeadlineMiss] = []
  public let missLimit = 20
  /// The tick with the most cycles (the first such).
  public private(set) var worstTick: TickCost?
  /// Sum of every tick's cycles, for the mean.
  public private(set) var cycleSum: Int64 = 0
  /// Spikes' summed and longest queue waits over the run.
  public private(set) var queueingCycles: Int64 = 0
  public private(set) var maxQueueingCycles = 0
  /// Per-tick figures, kept when `keepSeries` is set (for reports).
  public private(set) var series = TickSeries()
  public let keepSeries: Bool
  /// Called after each analysed tick with the tick and the spikes it reported (e.g. to sample
  /// them for a picture).
  public var afterEachTick: ((_ tick: Int64, _ spikes: [OutputSpike]) -> Void)?

  var lastSpikeCount: Int64 = 0

  /// Per-tick figures of a run, one element per tick.
  public struct TickSeries: Sendable {
    public var ticks: [Int64] = []
    public var spikes: [Int32] = []
    public var hops: [Int32] = []
    public var chipLinkCrossings: [Int32] = []
    public var cycles: [Int32] = []
    public var coreCycles: [Int32] = []
    public var joules: [Double] = []
  }

  /// A cycle-fidelity observer for `chip`.
  /// - Parameters:
  ///   - strict: make a deadline miss an error.
  ///   - keepSeries: keep per-tick figures (memory: about 40 bytes a tick).
  public init(chip: ChipDefinition, strict: Bool = false, keepSeries: Bool = false) {
    model = CycleModel(chip: chip)
    self.strict = strict
    self.keepSeries = keepSeries
  }

  /// The run's energy estimate.
  public var energy: EnergyEstimate { EnergyEstimate(totals, chip: model.chip) }

  /// Analyses the tick `simulator` just ran (its `recordTraffic` must be set).
  /// - Throws: `SimulationError.deadlineMiss` naming the tick, the hottest link and the cores,
  ///   when `strict` and the tick missed its deadline.
  /// - Complexity: that of `CycleModel.analyse`.
  public func observe(_ simulator: Simulator) throws(SimulationError) {
    let fired = simulator.statistics.spikes - lastSpikeCount
    lastSpikeCount = simulator.statistics.spikes
    let traffic = simulator.traffic
    let cost = model.analyse(
      tick: simulator.tick - 1, routes: traffic.routes, coreEvents: traffic.coreEvents,
      configuredCores: simulator.coreIDs.count, spikes: fired)
    afterEachTick?(simulator.tick - 1, simulator.spikes)
    add(cost)
    if cost.isDeadlineMiss {
      let miss = DeadlineMiss(cost: cost, model: model, routes: traffic.routes)
      if misses.count < missLimit { misses.append(miss) }
      if strict { throw .deadlineMiss(miss) }
    }
  }

  /// Adds one tick's cost to the run's figures.
  public func add(_ cost: TickCost) {
    ticks += 1
    totals += cost.counts
    cycleSum += Int64(cost.cycles)
    queueingCycles += cost.queueingCycles
    maxQueueingCycles = max(maxQueueingCycles, cost.maxQueueingCycles)
    if cost.isDeadlineMiss { missCount += 1 }
    if cost.cycles > worstTick?.cycles ?? -1 { worstTick = cost }
    if keepSeries {
      series.ticks.append(cost.tick)
      series.spikes.append(Int32(clamping: cost.counts.spikes))
      series.hops.append(Int32(clamping: cost.counts.hops))
      series.chipLinkCrossings.append(Int32(clamping: cost.counts.chipLinkCrossings))
      series.cycles.append(Int32(clamping: cost.cycles))
      series.coreCycles.append(Int32(clamping: cost.coreCycles))
      series.joules.append(EnergyEstimate(cost.counts, chip: model.chip).totalJoules)
    }
  }

  /// The busiest links over the run, busiest first (router and chip-to-chip links together,
  /// ranked by busy cycles; ties by kind then link number).
  public func hottestLinks(_ count: Int) -> [LinkLoad] {
    var all: [LinkLoad] = []
    for (link, packets) in model.linkLoads.enumerated() where packets > 0 {
      all.append(LinkLoad(kind: .router, link: link, packets: packets, busyCycles: Double(packets) * Double(model.chip.routing.routerCyclesPerHop)))
    }
    for (link, packets) in model.chipLinkLoads.enumerated() where packets > 0 {
      all.append(LinkLoad(kind: .chip, link: link, packets: packets, busyCycles: Double(packets) * model.chipLinkCyclesPerPacket))
    }
    all.sort { a, b in
      if a.busyCycles != b.busyCycles { return a.busyCycles > b.busyCycles }
      if a.kind != b.kind { return a.kind == .chip }
      return a.link < b.link
    }
    return Array(all.prefix(count))
  }

  /// Mean cycles per tick.
  public var meanCycles: Double { ticks > 0 ? Double(cycleSum) / Double(ticks) : 0 }
}

extension Simulator {
  /// Runs the model as `run(ticks:input:output:progress:)` does, analysing every tick with
  /// `analysis` (cycle fidelity). The reported spikes are the same as without it.
  /// - Throws: what `run` throws, and `SimulationError.deadlineMiss` when `analysis.strict`.
  public func runCycleFidelity(
    ticks: Int64?, input: inout (any SpikeSource<InputSpike>)?, output: (any SpikeSink<OutputSpike>)?,
    analysis: CycleRun, progress: ((Int64, Int64?) -> Void)? = nil
  ) throws -> RunSummary {
    let recorded = recordTraffic
    recordTraffic = true
    analysis.lastSpikeCount = statistics.spikes
    defer { recordTraffic = recorded }
    return try run(ticks: ticks, input: &input, output: output, progress: progress,
      afterTick: { simulator in try analysis.observe(simulator) })
  }
}
