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

  /// Per-tick figures of a run, one element per tick, or per bin of `binTicks` ticks once the
  /// run is longer than `limit` ticks (memory stays under about 40 x `limit` bytes).
  public struct TickSeries: Sendable {
    public var ticks: [Int64] = []
    public var spikes: [Int32] = []
    public var hops: [Int32] = []
    public var chipLinkCrossings: [Int32] = []
    public var cycles: [Int32] = []
    public var coreCycles: [Int32] = []
    public var joules: [Double] = []
    /// Ticks per element: 1 until the series passes `limit`, then doubled each time it is
    /// halved. An element's `ticks` is its first tick; spikes, hops, crossings and joules are
    /// summed over its ticks; cycles and core cycles are the largest.
    public var binTicks: Int64 = 1
    /// The most elements kept (65,536: a run of up to that many ticks keeps every tick).
    public static let limit = 1 << 16
    /// Ticks added to the last element so far.
    var filled: Int64 = 0

    /// Adds one tick's figures, merging neighbours in pairs when the series is full.
    mutating func add(tick: Int64, spikes s: Int32, hops h: Int32, crossings c: Int32, cycles y: Int32, coreCycles k: Int32, joules j: Double) {
      if filled > 0 && filled < binTicks {
        let i = ticks.count - 1
        spikes[i] = spikes[i].addingReportingOverflow(s).overflow ? .max : spikes[i] + s
        hops[i] = hops[i].addingReportingOverflow(h).overflow ? .max : hops[i] + h
        chipLinkCrossings[i] = chipLinkCrossings[i].addingReportingOverflow(c).overflow ? .max : chipLinkCrossings[i] + c
        cycles[i] = max(cycles[i], y)
        coreCycles[i] = max(coreCycles[i], k)
        joules[i] += j
        filled += 1
        return
      }
      if ticks.count == Self.limit { halve() }
      ticks.append(tick)
      spikes.append(s)
      hops.append(h)
      chipLinkCrossings.append(c)
      cycles.append(y)
      coreCycles.append(k)
      joules.append(j)
      filled = 1
    }

    /// Merges elements in pairs and doubles `binTicks`.
    mutating func halve() {
      func pairs<T>(_ a: [T], _ merge: (T, T) -> T) -> [T] { stride(from: 0, to: a.count, by: 2).map { $0 + 1 < a.count ? merge(a[$0], a[$0 + 1]) : a[$0] } }
      func sum(_ a: Int32, _ b: Int32) -> Int32 { a.addingReportingOverflow(b).overflow ? .max : a + b }
      ticks = pairs(ticks) { a, _ in a }
      spikes = pairs(spikes, sum)
      hops = pairs(hops, sum)
      chipLinkCrossings = pairs(chipLinkCrossings, sum)
      cycles = pairs(cycles) { Swift.max($0, $1) }
      coreCycles = pairs(coreCycles) { Swift.max($0, $1) }
      joules = pairs(joules, +)
      binTicks *= 2
      filled = binTicks
    }
  }

  /// A cycle-fidelity observer for `chip`.
  /// - Parameters:
  ///   - strict: make a deadline miss an error.
  ///   - keepSeries: keep per-tick figures (memory: about 40 bytes a tick, at most 2.6 MB: see `TickSeries`).
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
      series.add(
        tick: cost.tick, spikes: Int32(clamping: cost.counts.spikes), hops: Int32(clamping: cost.counts.hops),
        crossings: Int32(clamping: cost.counts.chipLinkCrossings), cycles: Int32(clamping: cost.cycles),
        coreCycles: Int32(clamping: cost.coreCycles), joules: EnergyEstimate(cost.counts, chip: model.chip).totalJoules)
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
