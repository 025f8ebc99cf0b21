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
  /// One JSON object with every figure: ticks, cores, neurons, threads, the spike and event
  /// counts, the mean rate, wall time, throughput and the simulator's state.
  public func json(tickSeconds: Double) -> String {
    var w = JSONTextWriter()
    w.beginObject()
    writeFigures(tickSeconds: tickSeconds, to: &w)
    w.endObject()
    return w.text
  }

  /// Writes the members of `json(tickSeconds:)` into the open object of `w`.
  public func writeFigures(tickSeconds: Double, to w: inout JSONTextWriter) {
    let s = statistics
    w.member("ticks", ticks)
    w.member("cores", cores)
    w.member("neurons", neurons)
    w.member("threads", threads)
    w.member("spikes", s.spikes)
    w.member("inputSpikes", s.inputSpikes)
    w.member("outputSpikes", outputSpikes)
    w.member("synapticEvents", s.synapticEvents)
    w.member("neuronUpdates", s.neuronUpdates)
    w.member("coreTicksComputed", s.coreTicksComputed)
    w.member("meanRateHz", meanRateHz(tickSeconds: tickSeconds))
    w.member("wallSeconds", wallSeconds)
    w.member("ticksPerSecond", ticksPerSecond)
    w.member("synapticEventsPerSecond", synapticEventsPerSecond)
    w.member("spikesPerSecond", spikesPerSecond)
    w.member("nsPerSynapticEvent", s.synapticEvents > 0 ? wallSeconds * 1e9 / Double(s.synapticEvents) : 0)
    w.member("stateBytes", stateBytes)
  }

  /// One JSON object with every figure of `json(tickSeconds:)`, the fidelity and the energy
  /// estimate; with a cycle-fidelity `analysis`, also the tick budget, the traffic and the
  /// busiest links (the `tnsim run --json` object).
  public func json(chip: ChipDefinition, analysis: CycleRun?) -> String {
    var w = JSONTextWriter()
    w.beginObject()
    writeMembers(chip: chip, analysis: analysis, to: &w)
    w.endObject()
    return w.text
  }

  /// Writes the members of `json(chip:analysis:)` into the open object of `w`, so that a larger
  /// object (a report's summary) can add its own.
  public func writeMembers(chip: ChipDefinition, analysis: CycleRun?, to w: inout JSONTextWriter) {
    writeFigures(tickSeconds: chip.tickSeconds, to: &w)
    w.member("fidelity", analysis == nil ? "tick" : "cycle")
    let counts = analysis?.totals ?? EventCounts(statistics)
    let e = EnergyEstimate(counts, chip: chip)
    w.key("energy")
    w.beginObject()
    w.member("routingCounted", analysis != nil)
    w.member("synapticJoules", e.synapticJoules)
    w.member("neuronJoules", e.neuronJoules)
    w.member("hopJoules", e.hopJoules)
    w.member("chipLinkJoules", e.chipLinkJoules)
    w.member("dynamicJoules", e.dynamicJoules)
    w.member("staticJoules", e.staticJoules)
    w.member("totalJoules", e.totalJoules)
    w.member("joulesPerTick", counts.ticks > 0 ? e.totalJoules / Double(counts.ticks) : 0)
    w.member("dynamicWatts", e.dynamicWatts)
    w.member("totalWatts", e.totalWatts)
    w.endObject()
    if let analysis { Self.writeCycles(analysis, to: &w) }
  }

  /// The `cycles` and `traffic` members of a cycle-fidelity run.
  static func writeCycles(_ a: CycleRun, to w: inout JSONTextWriter) {
    w.key("cycles")
    w.beginObject()
    w.member("budget", a.model.budgetCycles)
    w.member("mean", a.meanCycles)
    w.member("worst", a.worstTick?.cycles ?? 0)
    w.member("worstTick", a.worstTick?.tick ?? -1)
    w.member("deadlineMisses", a.missCount)
    w.key("missedTicks")
    w.array(a.misses.map(\.cost.tick))
    w.member("queueingCycles", a.queueingCycles)
    w.member("maxQueueingCycles", a.maxQueueingCycles)
    w.endObject()
    let t = a.totals
    let routed = a.model.linkLoads.enumerated().reduce(Int64(0)) {
      $0 + ($1.offset % MeshRouter.portsPerRouter == MeshRouter.Port.local.rawValue ? $1.element : 0)
    }
    w.key("traffic")
    w.beginObject()
    w.member("hops", t.hops)
    w.member("meanHopsPerRoutedSpike", routed > 0 ? Double(t.hops) / Double(routed) : 0)
    w.member("routedSpikes", routed)
    w.member("chipLinkCrossings", t.chipLinkCrossings)
    w.member("chipLinkBits", t.chipLinkBits)
    w.key("hottestLinks")
    a.writeHottestLinks(&w)
    w.endObject()
  }

  /// Notes the text summary may end a line with; the command line words them with its flags.
  public enum Note: Sendable {
    /// After the energy of a tick-fidelity run, which counts no hops.
    case tickFidelityCountsNoHops
    /// After the count of deadline misses not listed.
    case moreMissesNotListed
  }

  /// Lines for the text summary of `tnsim run`: energy and, at cycle fidelity, the tick budget,
  /// the traffic and the first deadline misses.
  /// - Parameter note: the text ending a line that `Note` names (by default a plain remark).
  public func costText(chip: ChipDefinition, analysis: CycleRun?, note: (Note) -> String = Self.plainNote) -> String {
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
        + (analysis == nil ? note(.tickFidelityCountsNoHops) : ""))
    if let a = analysis {
      for miss in a.misses.prefix(3) { lines.append("deadline miss    " + miss.description) }
      if a.missCount > 3 { lines.append("                 and \(a.missCount - 3) more" + note(.moreMissesNotListed)) }
    }
    return lines.joined(separator: "\n")
  }

  /// The notes of `costText` without flags: " (tick fidelity counts no hops)", "".
  public static func plainNote(_ note: Note) -> String {
    switch note {
    case .tickFidelityCountsNoHops: return " (tick fidelity counts no hops)"
    case .moreMissesNotListed: return ""
    }
  }

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

extension CycleRun {
  /// The five busiest links as a JSON array of {link, packets, busyCycles}.
  func writeHottestLinks(_ w: inout JSONTextWriter) {
    w.beginArray()
    for link in hottestLinks(5) {
      w.beginObject()
      w.member("link", link.name(in: model.mesh))
      w.member("packets", link.packets)
      w.member("busyCycles", link.busyCycles)
      w.endObject()
    }
    w.endArray()
  }
}
