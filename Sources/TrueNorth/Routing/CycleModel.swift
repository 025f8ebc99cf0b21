/// The cycle-level model of a tick: core processing, then every spike hop by hop through the mesh
/// with one packet per link per router cycle and a first-in first-out queue per output port
/// (docs/routing-and-energy.md).
///
/// The tick model is exact, so this is an analysis layered on top: `analyse` takes the traffic
/// `Simulator.step()` recorded and computes when each spike reaches its target core, how long
/// each link was busy and whether the tick fits its budget. A late spike does not change what the
/// simulator computes; the miss is reported.
///
/// Schedule of a tick (all times in cycles of `routing.clockHz`, from the start of the tick):
/// - core c integrates its synaptic events, then updates its neurons, and finishes at
///   `neuronsPerCore * coreCyclesPerNeuron + events(c) * coreCyclesPerSynapticEvent`;
/// - its spikes then enter its router one per router cycle (`routerCyclesPerHop`), in neuron
///   order: the k-th at finish + k * routerCyclesPerHop;
/// - at each router a packet takes its dimension-order port; a port sends one packet per router
///   cycle, first come first served (same-cycle ties in the order the packets were produced:
///   injections first, by core id and neuron; then forwarded packets, by when they were forwarded);
///   the packet reaches the next router one router cycle after it leaves;
/// - a hop across a chip border uses the chip-to-chip link of that chip edge (one per chip and
///   direction, shared by the whole edge through the merge-split stage), which sends one packet
///   every `clockHz / chipLinkSpikesPerSecond` cycles (fractional, kept exactly);
/// - the local port of the target's router delivers the packet to the core: one per router cycle.
/// Without contention a spike of h hops is delivered (h + 1) router cycles after it enters its
/// router. Each tick starts with idle links: traffic of a late tick is not carried into the next.
///
/// Spikes to output pins leave the chip by pins whose place is not published: they are counted
/// (as spikes) but not routed.
public final class CycleModel {
  public let chip: ChipDefinition
  public let mesh: MeshRouter
  /// Cycles in one tick period: `tickSeconds * clockHz`.
  public let budgetCycles: Int
  var schedule: MeshSchedule

  /// A model of `chip`'s mesh with idle links and zero loads.
  public init(chip: ChipDefinition) {
    self.chip = chip
    mesh = MeshRouter(chip: chip)
    // Chip definitions built in code are not range-checked as files are: saturate instead of
    // trapping on a product beyond Int (or NaN, which gives no budget).
    let cycles = (chip.tickSeconds * chip.routing.clockHz).rounded(.down)
    budgetCycles = cycles.isNaN ? 0 : cycles >= Double(Int.max) ? Int.max : cycles <= 0 ? 0 : Int(cycles)
    schedule = MeshSchedule(chip: chip, mesh: mesh)
  }

  /// Packets each router link carried over all ticks analysed (`router * 5 + port`).
  public var linkLoads: [Int64] { schedule.linkLoads }
  /// Packets each chip-to-chip link carried over all ticks analysed (`chip * 4 + port`).
  public var chipLinkLoads: [Int64] { schedule.chipLinkLoads }
  /// Cycles one chip-to-chip link is busy per packet: `clockHz / chipLinkSpikesPerSecond`.
  public var chipLinkCyclesPerPacket: Double { Double(schedule.chipLinkService) / Double(MeshSchedule.fixedOne) }

  /// Schedules one tick's work and returns its cost.
  /// - Parameters:
  ///   - tick: the tick, for the report.
  ///   - routes: spikes sent to axons, ordered by source core (as `Simulator.Traffic.routes`).
  ///   - coreEvents: synaptic events per core, ordered by core (as `Simulator.Traffic.coreEvents`).
  ///   - configuredCores: how many cores are configured (each updates all its neurons).
  ///   - spikes: spikes fired this tick, to axons and to pins.
  /// - Complexity: O(configured cores with events + spikes x hops + cycles of the tick); no
  ///   allocation once the buffers have grown to the largest tick.
  public func analyse(
    tick: Int64, routes: [Simulator.Route], coreEvents: [(core: Int32, events: Int32)], configuredCores: Int,
    spikes: Int64
  ) -> TickCost {
    let routing = chip.routing
    let base = chip.neuronsPerCore * routing.coreCyclesPerNeuron
    var counts = EventCounts()
    counts.ticks = 1
    counts.spikes = spikes
    counts.neuronUpdates = Int64(configuredCores * chip.neuronsPerCore)
    var slowest: Int32 = -1
    var maxEvents = -1
    for e in coreEvents {
      counts.synapticEvents += Int64(e.events)
      if Int(e.events) > maxEvents { (maxEvents, slowest) = (Int(e.events), e.core) }
    }
    var coreCycles = configuredCores > 0 ? base : 0
    if maxEvents >= 0 { coreCycles = base + maxEvents * routing.coreCyclesPerSynapticEvent }
    var local = MeshSchedule.empty
    swap(&local, &schedule)
    let result = local.run(routes: routes, coreEvents: coreEvents, baseCycles: base, cyclesPerEvent: routing.coreCyclesPerSynapticEvent)
    swap(&local, &schedule)
    counts.hops = result.hops
    counts.chipLinkCrossings = result.chipLinkCrossings
    counts.chipLinkBits = result.chipLinkCrossings * Int64(routing.chipLinkBitsPerSpike)
    return TickCost(
      tick: tick, counts: counts, coreCycles: coreCycles, slowestCore: slowest, deliveryCycles: result.delivery,
      lastSpike: result.lastPacket >= 0 ? routes[result.lastPacket] : nil, budgetCycles: budgetCycles,
      queueingCycles: result.queueing, maxQueueingCycles: result.maxWait, hottestLink: result.hottest)
  }

  /// Source cores whose spikes of `routes` crossed `link` (to name the cores of a miss):
  /// the first `limit` in ascending order, and how many there were.
  /// - Complexity: O(spikes x hops).
  public func sources(crossing link: LinkLoad, routes: [Simulator.Route], limit: Int = 8) -> (cores: [Int32], total: Int) {
    var found: [Int32] = []
    var total = 0
    var last: Int32 = -1
    for r in routes where r.source != last {
      let uses = mesh.path(from: Int(r.source), to: Int(r.target)).contains { hop in
        switch link.kind {
        case .router:
          return !hop.crossesChip && (hop.y * mesh.width + hop.x) * MeshRouter.portsPerRouter + hop.port.rawValue == link.link
        case .chip:
          return hop.crossesChip && mesh.chipLink(x: hop.x, y: hop.y, port: hop.port) == link.link
        }
      }
      if uses {
        total += 1
        if found.count < limit { found.append(r.source) }
        last = r.source
      }
    }
    return (found, total)
  }
}
