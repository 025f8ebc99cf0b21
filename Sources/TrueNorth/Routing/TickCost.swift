/// What one tick cost at cycle fidelity: counted events, the modelled cycles of its core
/// processing and of its spike delivery, and the link that was busiest.
public struct TickCost: Sendable, Equatable {
  /// The tick.
  public var tick: Int64
  /// The events of this tick (the inputs of the energy estimate).
  public var counts: EventCounts
  /// The cycle the slowest core finished integrating and updating its neurons.
  public var coreCycles: Int
  /// The slowest core (linear id), or -1 when no core is configured.
  public var slowestCore: Int32
  /// The cycle the last spike reached its target core (0 when no spike was routed).
  public var deliveryCycles: Int
  /// The spike delivered last (source and target core), when any.
  public var lastSpike: Simulator.Route?
  /// Cycles the tick period holds: `tickSeconds * clockHz`.
  public var budgetCycles: Int
  /// Cycles spikes spent waiting in router and chip-link queues, summed over spikes.
  public var queueingCycles: Int64
  /// The longest wait of one spike in one queue.
  public var maxQueueingCycles: Int
  /// The link busy longest this tick, when any spike was routed.
  public var hottestLink: LinkLoad?

  /// The tick's critical path: the later of the last core finishing and the last delivery.
  public var cycles: Int { max(coreCycles, deliveryCycles) }
  /// Whether the tick's work does not fit in the tick period.
  public var isDeadlineMiss: Bool { cycles > budgetCycles }
}

/// The load of one link: a router port or a chip-to-chip link.
public struct LinkLoad: Sendable, Equatable {
  public enum Kind: Sendable, Equatable { case router, chip }
  /// Router port (`router * 5 + port`) or chip-to-chip link (`chip * 4 + port`), by `kind`.
  public var kind: Kind
  public var link: Int
  /// Packets that crossed the link.
  public var packets: Int64
  /// Cycles the link was busy sending them.
  public var busyCycles: Double

  public init(kind: Kind, link: Int, packets: Int64, busyCycles: Double) {
    self.kind = kind
    self.link = link
    self.packets = packets
    self.busyCycles = busyCycles
  }

  /// A readable name of the link, e.g. `router (3, 7) east`.
  public func name(in mesh: MeshRouter) -> String {
    kind == .router ? mesh.describeLink(link) : mesh.describeChipLink(link)
  }
}
