import Foundation
import TrueNorth

extension EventCounts {
  /// The counts a tick-fidelity run has: synaptic events, neuron updates, spikes and ticks (no
  /// routing, so no hops and no chip-link bits).
  public init(_ statistics: Simulator.Statistics) {
    self.init()
    synapticEvents = statistics.synapticEvents
    neuronUpdates = statistics.neuronUpdates
    spikes = statistics.spikes
    ticks = statistics.ticks
  }
}

extension RunSummary {
  /// One JSON object with every figure.
  public func json(tickSeconds: Double) -> String {
    let s = statistics
    let fields: [(String, String)] = [
      ("ticks", "\(ticks)"), ("cores", "\(cores)"), ("neurons", "\(neurons)"), ("threads", "\(threads)"),
      ("spikes", "\(s.spikes)"), ("inputSpikes", "\(s.inputSpikes)"), ("outputSpikes", "\(outputSpikes)"),
      ("synapticEvents", "\(s.synapticEvents)"), ("neuronUpdates", "\(s.neuronUpdates)"),
      ("coreTicksComputed", "\(s.coreTicksComputed)"),
      ("meanRateHz", Self.number(meanRateHz(tickSeconds: tickSeconds))),
      ("wallSeconds", Self.number(wallSeconds)), ("ticksPerSecond", Self.number(ticksPerSecond)),
      ("synapticEventsPerSecond", Self.number(synapticEventsPerSecond)), ("spikesPerSecond", Self.number(spikesPerSecond)),
      ("nsPerSynapticEvent", Self.number(s.synapticEvents > 0 ? wallSeconds * 1e9 / Double(s.synapticEvents) : 0)),
      ("stateBytes", "\(stateBytes)"),
    ]
    return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
  }
  /// One JSON object with every figure of `json(tickSeconds:)`, the fidelity and the energy
  /// estimate; with a cycle-fidelity `analysis`, also the tick budget, the traffic and the
  /// busiest links.
  public func json(chip: ChipDefinition, analysis: CycleRun?) -> String {
    var w = JSONTextWriter()
    let base = json(tickSeconds: chip.tickSeconds)
    w.raw(String(base.dropLast()))
    w.raw(", \"fidelity\": \"\(analysis == nil ? "tick" : "cycle")\"")
    let counts = analysis?.totals ?? EventCounts(statistics)
    let e = EnergyEstimate(counts, chip: chip)
    w.raw(", \"energy\": {\"routingCounted\": \(analysis != nil)")
    for (key, value) in [
      ("synapticJoules", e.synapticJoules), ("neuronJoules", e.neuronJoules), ("hopJoules", e.hopJoules),
      ("chipLinkJoules", e.chipLinkJoules), ("dynamicJoules", e.dynamicJoules), ("staticJoules", e.staticJoules),
      ("totalJoules", e.totalJoules), ("joulesPerTick", counts.ticks > 0 ? e.totalJoules / Double(counts.ticks) : 0),
      ("dynamicWatts", e.dynamicWatts), ("totalWatts", e.totalWatts),
    ] {
      w.raw(", \"\(key)\": \(Self.number(value))")
    }
    w.raw("}")
    if let a = analysis {
      let budget = a.model.budgetCycles
      w.raw(", \"cycles\": {\"budget\": \(budget), \"mean\": \(Self.number(a.meanCycles))")
      w.raw(", \"worst\": \(a.worstTick?.cycles ?? 0), \"worstTick\": \(a.worstTick?.tick ?? -1)")
      w.raw(", \"deadlineMisses\": \(a.missCount), \"missedTicks\": ")
      w.intArray(a.misses.map(\.cost.tick))
      w.raw(", \"queueingCycles\": \(a.queueingCycles), \"maxQueueingCycles\": \(a.maxQueueingCycles)}")
      let t = a.totals
      w.raw(", \"traffic\": {\"hops\": \(t.hops), \"meanHopsPerRoutedSpike\": ")
      let routed = a.model.linkLoads.enumerated().reduce(Int64(0)) { $0 + ($1.offset % MeshRouter.portsPerRouter == MeshRouter.Port.local.rawValue ? $1.element : 0) }
      w.raw(Self.number(routed > 0 ? Double(t.hops) / Double(routed) : 0))
      w.raw(", \"routedSpikes\": \(routed), \"chipLinkCrossings\": \(t.chipLinkCrossings), \"chipLinkBits\": \(t.chipLinkBits)")
      w.raw(", \"hottestLinks\": [")
      for (k, link) in a.hottestLinks(5).enumerated() {
        w.raw(k == 0 ? "{\"link\": " : ", {\"link\": ")
        w.string(link.name(in: a.model.mesh))
        w.raw(", \"packets\": \(link.packets), \"busyCycles\": \(Self.number(link.busyCycles))}")
      }
      w.raw("]}")
    }
    w.raw("}")
    return String(decoding: w.bytes, as: UTF8.self)
  }

  /// Lines for the text summary of `tnsim run`: energy and, at cycle fidelity, the tick budget,
  /// the traffic and the first deadline misses.
  public func costText(chip: ChipDefinition, analysis: CycleRun?) -> String {
    let counts = analysis?.totals ?? EventCounts(statistics)
    let e = EnergyEstimate(counts, chip: chip)
    var lines: [String] = []
    if let a = analysis {
      let budget = a.model.budgetCycles
      let worst = a.worstTick
      lines.append(
        "cycles           budget \(budget) per tick (\(Self.short(chip.tickSeconds * 1e3)) ms at \(Self.short(chip.routing.clockHz / 1e6)) MHz modelled); "
          + "mean \(Self.short(a.meanCycles)), worst \(worst?.cycles ?? 0) in tick \(worst?.tick ?? 0) "
          + "(\(Self.short(Double(worst?.cycles ?? 0) / Double(max(budget, 1)) * 100))% of the budget); "
          + "\(a.missCount) deadline miss\(a.missCount == 1 ? "" : "es")")
      let hot = a.hottestLinks(1).first
      lines.append(
        "traffic          \(a.totals.hops) hops, \(a.totals.chipLinkCrossings) chip-link crossings; queueing \(a.queueingCycles) cycles in all, longest wait \(a.maxQueueingCycles)"
          + (hot.map { "; hottest link \($0.name(in: a.model.mesh)): \($0.packets) spikes" } ?? ""))
    }
    lines.append(
      "energy           \(Self.joules(e.totalJoules)) in all, \(Self.joules(counts.ticks > 0 ? e.totalJoules / Double(counts.ticks) : 0)) per tick: "
        + "\(Self.short(e.dynamicWatts * 1e3)) mW dynamic (synaptic \(Self.joules(e.synapticJoules)), hops \(Self.joules(e.hopJoules)), chip links \(Self.joules(e.chipLinkJoules)), neurons \(Self.joules(e.neuronJoules)))"
        + " + \(Self.short(e.staticJoules / max(e.seconds, 1e-30) * 1e3)) mW static = \(Self.short(e.totalWatts * 1e3)) mW"
        + (analysis == nil ? " (tick fidelity counts no hops: use --fidelity cycle)" : ""))
    if let a = analysis {
      for miss in a.misses.prefix(3) { lines.append("deadline miss    " + miss.description) }
      if a.missCount > 3 { lines.append("                 and \(a.missCount - 3) more (see --json or --report)") }
    }
    return lines.joined(separator: "\n")
  }

  static func number(_ v: Double) -> String { v.isFinite ? String(format: "%.6g", v) : "0" }
  static func short(_ v: Double) -> String { String(format: "%.3g", v) }
  /// Joules with an SI prefix, e.g. `68.1 mJ`.
  static func joules(_ v: Double) -> String {
    let a = abs(v)
    if a == 0 { return "0 J" }
    for (scale, prefix) in [(1.0, ""), (1e-3, "m"), (1e-6, "u"), (1e-9, "n"), (1e-12, "p")] where a >= scale {
      return String(format: "%.3g ", v / scale) + prefix + "J"
    }
    return String(format: "%.3g fJ", v * 1e15)
  }
}
