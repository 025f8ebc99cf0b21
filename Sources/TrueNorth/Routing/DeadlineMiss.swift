/// A tick whose work did not fit in its tick period: what took the time and where.
public struct DeadlineMiss: Sendable, Equatable, CustomStringConvertible {
  /// The tick's cost.
  public var cost: TickCost
  /// The name of the busiest link, e.g. `router (3, 7) east`.
  public var hottestLinkName: String?
  /// Source cores whose spikes crossed the busiest link (the first few, ascending) and how many.
  public var hottestLinkSources: [Int32]
  public var hottestLinkSourceCount: Int

  /// Describes a missed tick of `model`, naming its busiest link and the cores that used it.
  /// - Complexity: O(spikes x hops) of the tick.
  public init(cost: TickCost, model: CycleModel, routes: [Simulator.Route]) {
    self.cost = cost
    if let hot = cost.hottestLink {
      hottestLinkName = hot.name(in: model.mesh)
      (hottestLinkSources, hottestLinkSourceCount) = model.sources(crossing: hot, routes: routes)
    } else {
      hottestLinkName = nil
      hottestLinkSources = []
      hottestLinkSourceCount = 0
    }
  }

  /// One line: the tick, its cycles against the budget, the critical part, the busiest link and
  /// the cores involved.
  public var description: String {
    let c = cost
    var s = "tick \(c.tick) missed its deadline: \(c.cycles) cycles > budget \(c.budgetCycles)"
    s += " (cores done at \(c.coreCycles)" + (c.slowestCore >= 0 ? ", slowest core \(c.slowestCore)" : "")
    s += "; last delivery at \(c.deliveryCycles)"
    if let last = c.lastSpike { s += ", spike core \(last.source) -> core \(last.target)" }
    s += ")"
    if let name = hottestLinkName, let hot = c.hottestLink {
      s += "; hottest link \(name): \(hot.packets) spikes, busy \(Int(hot.busyCycles.rounded(.up))) cycles"
      if !hottestLinkSources.isEmpty {
        s += ", from cores " + hottestLinkSources.map(String.init).joined(separator: ", ")
        if hottestLinkSourceCount > hottestLinkSources.count {
          s += " and \(hottestLinkSourceCount - hottestLinkSources.count) more"
        }
      }
    }
    return s
  }
}
