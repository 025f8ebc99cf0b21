import Foundation
import TrueNorth

/// A run report (`tnsim run --report DIR`): a JSON summary and SVG pictures of a cycle-fidelity run
/// (docs/routing-and-energy.md, "Reports").
public final class RunReport {
  /// The folder the files go to.
  public let directory: String
  /// How to record every neuron, for the hint of an empty raster (the command line names its flag).
  public var recordAllHint = "run again recording every neuron"
  /// The sample of reported spikes for the raster, once `attach` has been called.
  public private(set) var raster: RasterSampler?

  init(directory: String) { self.directory = directory }

  /// Samples the spikes that the run analysed by `analysis` reports, for the raster picture.
  /// - Parameter recordAll: whether the run reports every spike or only pin spikes.
  public func attach(to analysis: CycleRun, model: Model, recordAll: Bool) {
    raster = RasterSampler(model: model, recordAll: recordAll)
    analysis.afterEachTick = { [unowned self] tick, spikes in self.raster?.record(tick: tick, spikes: spikes) }
  }

  /// The files a report holds.
  public static let files = ["summary.json", "raster.svg", "links.svg", "ticks.svg"]

  /// Creates `directory` (and its parents) when missing, so that a bad path fails before the run.
  /// - Throws: `InputError` naming the folder when it cannot be created or is a file.
  public static func prepare(directory: String) throws(InputError) -> RunReport {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw InputError(file: directory, value: directory, allowed: "a folder", message: "a report needs a folder; this is a file")
      }
    } else {
      do {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw InputError(file: directory, message: "cannot create the report folder: \(error.localizedDescription)")
      }
    }
    return RunReport(directory: directory)
  }

  /// The files of a report with potential traces: `files` plus traces.csv and traces.svg.
  public static let traceFiles = ["traces.csv", "traces.svg"]

  /// Writes every file of the report; with `trace`, also traces.csv and traces.svg.
  /// - Throws: `InputError` naming a file that cannot be written.
  public func write(summary: RunSummary, model: Model, analysis: CycleRun, trace: PotentialTrace? = nil) throws(InputError) {
    if let trace {
      try writeFileAtomically(Array(trace.csv.utf8), to: directory + "/traces.csv")
      try writeFileAtomically(Array(trace.svg().utf8), to: directory + "/traces.svg")
    }
    try writeFileAtomically(Array(Self.summaryJSON(summary: summary, chip: model.chip, analysis: analysis).utf8), to: directory + "/summary.json")
    let raster = self.raster ?? RasterSampler(model: model, recordAll: false)
    try writeFileAtomically(Array(Self.rasterSVG(raster, recordAllHint: recordAllHint).utf8), to: directory + "/raster.svg")
    try writeFileAtomically(Array(Self.linkMapSVG(analysis.model).utf8), to: directory + "/links.svg")
    try writeFileAtomically(Array(Self.tickChartSVG(analysis.series, budget: analysis.model.budgetCycles).utf8), to: directory + "/ticks.svg")
  }

  /// The summary: the `tnsim run --json` object plus the deadline misses, the chip-to-chip link
  /// loads, and the per-tick series (ticks, spikes, hops, chip-link crossings, cycles, core
  /// cycles, joules) when kept; each of these on a line of its own, the file ending in a newline.
  public static func summaryJSON(summary: RunSummary, chip: ChipDefinition, analysis: CycleRun) -> String {
    var w = JSONTextWriter()
    w.beginObject()
    summary.writeMembers(chip: chip, analysis: analysis, to: &w)
    w.lineBreak(indent: 0)
    w.key("misses")
    w.beginArray()
    for miss in analysis.misses { w.value(miss.description) }
    w.endArray()
    w.lineBreak(indent: 0)
    w.key("chipLinks")
    w.beginArray()
    let capacity = Double(max(1, analysis.ticks * Int64(analysis.model.budgetCycles)))
    for (link, packets) in analysis.model.chipLinkLoads.enumerated() where packets > 0 {
      w.beginObject()
      w.member("link", analysis.model.mesh.describeChipLink(link))
      w.member("packets", packets)
      w.member("bits", packets * Int64(chip.routing.chipLinkBitsPerSpike))
      w.member("utilisation", Double(packets) * analysis.model.chipLinkCyclesPerPacket / capacity)
      w.endObject()
    }
    w.endArray()
    let s = analysis.series
    if !s.ticks.isEmpty {
      w.lineBreak(indent: 0)
      w.key("perTick")
      w.beginObject()
      // Only long runs are binned; shorter ones keep the report's bytes as they were.
      if s.binTicks > 1 { w.member("binTicks", s.binTicks) }
      w.key("ticks")
      w.array(s.ticks)
      for (name, values) in [("spikes", s.spikes), ("hops", s.hops), ("chipLinkCrossings", s.chipLinkCrossings), ("cycles", s.cycles), ("coreCycles", s.coreCycles)] {
        w.key(name)
        w.array(values)
      }
      w.key("joules")
      w.array(s.joules, .significant(6))
      w.endObject()
    }
    w.endObject()
    w.endLine()
    return w.text
  }
}
