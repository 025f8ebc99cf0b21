import TrueNorth
/// `tnsim validate MODEL --traffic SPIKES`: runs a model at cycle fidelity over an input and
/// reports the traffic checks: deadline misses, the busiest links and the chip-to-chip load.
public struct TrafficCheck {
  /// The run's summary.
  public var summary: RunSummary
  /// The cycle-fidelity analysis of the run.
  public var analysis: CycleRun
  /// The input file.
  public var input: String

  /// Runs `model` on the spikes of `input` (any format `SpikeFiles.openInput` reads) for `ticks`,
  /// or until 16 ticks after the last input spike.
  /// - Throws: `InputError` for an unreadable input or a spike to an unconfigured core or axon;
  ///   `SimulationError` when the model does not fit its chip.
  public static func run(model: Model, input: String, ticks: Int64?) throws -> TrafficCheck {
    let source = try SpikeFiles.openInput(input, chip: model.chip)
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
    let a = analysis
    var w = JSONTextWriter()
    w.raw("{\"input\": ")
    w.string(input)
    w.raw(", \"ticks\": \(a.ticks), \"budgetCycles\": \(a.model.budgetCycles), \"deadlineMisses\": \(a.missCount)")
    w.raw(", \"worstTick\": \(a.worstTick?.tick ?? -1), \"worstCycles\": \(a.worstTick?.cycles ?? 0), \"misses\": [")
    for (k, miss) in a.misses.enumerated() {
      w.raw(k == 0 ? "" : ", ")
      w.string(miss.description)
    }
    w.raw("], \"hottestLinks\": [")
    for (k, link) in a.hottestLinks(5).enumerated() {
      w.raw(k == 0 ? "{\"link\": " : ", {\"link\": ")
      w.string(link.name(in: a.model.mesh))
      w.raw(", \"packets\": \(link.packets), \"busyCycles\": \(RunSummary.number(link.busyCycles))}")
    }
    w.raw("], \"chipLinkCrossings\": \(a.totals.chipLinkCrossings), \"chipLinkBits\": \(a.totals.chipLinkBits)")
    if let chip = busiestChipLink {
      w.raw(", \"busiestChipLink\": ")
      w.string(chip.link.name(in: a.model.mesh))
      w.raw(", \"busiestChipLinkUtilisation\": \(RunSummary.number(chip.utilisation))")
    }
    w.raw("}")
    return String(decoding: w.bytes, as: UTF8.self)
  }
}
