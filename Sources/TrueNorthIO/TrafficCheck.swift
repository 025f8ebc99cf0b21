import TrueNorth
/// A traffic check (`tnsim validate MODEL --traffic SPIKES`): runs a model at cycle fidelity over
/// an input and reports: deadline misses, the busiest links and the chip-to-chip load.
public struct TrafficCheck {
  /// The run's summary.
  public var summary: RunSummary
  /// The cycle-fidelity analysis of the run.
  public var analysis: CycleRun
  /// The input file.
  public var input: String

  /// Runs `model` on the spikes of `input` (any format of `SpikeFormat.all`) for `ticks`,
  /// or until 16 ticks after the last input spike.
  /// - Throws: `InputError` for an unreadable input or a spike to an unconfigured core or axon;
  ///   `SimulationError` when the model does not fit its chip.
  public static func run(model: Model, input: String, ticks: Int64?) throws -> TrafficCheck {
    let source = try SpikeFormat.openInput(input, chip: model.chip)
    let simulator = try Simulator(model: model)
    let analysis = CycleRun(chip: model.chip)
    let summary = try simulator.run(ticks: ticks, inputFile: source, output: nil, analysis: analysis)
    return TrafficCheck(summary: summary, analysis: analysis, input: input)
  }

  /// Whether every tick fitted its budget.
  public var passes: Bool { analysis.missCount == 0 }

  /// The busiest chip-to-chip link and its share of the link's capacity over the run, when any
  /// spike crossed a chip border.
  public var busiestChipLink: (link: LinkLoad, utilisation: Double)? {
    let a = analysis
    guard let best = a.model.chipLinkLoads.enumerated().max(by: { $0.element < $1.element || ($0.element == $1.element && $0.offset > $1.offset) }),
      best.element > 0
    else { return nil }
    let busy = Double(best.element) * a.model.chipLinkCyclesPerPacket
    return (LinkLoad(kind: .chip, link: best.offset, packets: best.element, busyCycles: busy),
      busy / Double(max(1, a.ticks * Int64(a.model.budgetCycles))))
  }

  /// Lines for the text output: one per finding.
  public var text: String {
    let a = analysis
    var lines: [String] = []
    let worst = a.worstTick
    lines.append("\(input): ran \(a.ticks) ticks at cycle fidelity: \(a.missCount) deadline miss\(a.missCount == 1 ? "" : "es"); "
      + "worst tick \(worst?.tick ?? 0) at \(worst?.cycles ?? 0) of \(a.model.budgetCycles) cycles")
    for miss in a.misses.prefix(5) { lines.append("\(input): " + miss.description) }
    if a.missCount > 5 { lines.append("\(input): and \(a.missCount - 5) more deadline misses") }
    for link in a.hottestLinks(5) {
      lines.append("\(input): busy link \(link.name(in: a.model.mesh)): \(link.packets) spikes, \(RunSummary.short(link.busyCycles / Double(max(1, a.ticks)))) cycles per tick")
    }
    if let chip = busiestChipLink {
      lines.append("\(input): chip-to-chip: \(a.totals.chipLinkCrossings) crossings (\(a.totals.chipLinkBits) bits); busiest \(chip.link.name(in: a.model.mesh)) at \(RunSummary.short(chip.utilisation * 100))% of its capacity")
    } else if a.model.mesh.chipsX * a.model.mesh.chipsY > 1 {
      lines.append("\(input): chip-to-chip: no spike crossed a chip border")
    }
    return lines.joined(separator: "\n")
  }

  /// One JSON object: ticks, misses (with descriptions), the worst tick, the busiest links and
  /// the chip-to-chip load.
  public var json: String {
    var w = JSONTextWriter()
    write(to: &w)
    return w.text
  }

  /// Writes the object of `json` as the next value of `w`.
  public func write(to w: inout JSONTextWriter) {
    let a = analysis
    w.beginObject()
    w.member("input", input)
    w.member("ticks", a.ticks)
    w.member("budgetCycles", a.model.budgetCycles)
    w.member("deadlineMisses", a.missCount)
    w.member("worstTick", a.worstTick?.tick ?? -1)
    w.member("worstCycles", a.worstTick?.cycles ?? 0)
    w.key("misses")
    w.beginArray()
    for miss in a.misses { w.value(miss.description) }
    w.endArray()
    w.key("hottestLinks")
    a.writeHottestLinks(&w)
    w.member("chipLinkCrossings", a.totals.chipLinkCrossings)
    w.member("chipLinkBits", a.totals.chipLinkBits)
    if let chip = busiestChipLink {
      w.member("busiestChipLink", chip.link.name(in: a.model.mesh))
      w.member("busiestChipLinkUtilisation", chip.utilisation)
    }
    w.endObject()
  }
}
