import Foundation
import TrueNorth
import TrueNorthIO

/// The format `--output-format` names, when given: one that writes output spikes.
func outputFormat(_ args: ParsedArguments) throws(UsageError) -> SpikeFormat? {
  guard let name = args.string("output-format") else { return nil }
  let allowed = SpikeFormat.names(writing: .output)
  guard let format = SpikeFormat.named(name), format.writesOutput else {
    throw UsageError(flag: "output-format", value: name, allowed: allowed, message: "'\(name)' is not allowed; use one of \(allowed)")
  }
  guard args.string("output") != nil else {
    throw UsageError(flag: "output-format", value: name, message: "needs --output SPIKES")
  }
  return format
}

/// The notes of the run summary, worded with the flags that say more.
func costNote(_ note: RunSummary.Note) -> String {
  switch note {
  case .tickFidelityCountsNoHops: return " (tick fidelity counts no hops: use --fidelity cycle)"
  case .moreMissesNotListed: return " (see --json or --report)"
  }
}

extension UsageError {
  /// A run with neither a length nor an input to end it.
  static let needsTicks = UsageError(flag: "ticks", allowed: "a number of ticks, or --input",
    message: "give --ticks N (or --input, to run until the input ends)")
}

/// Loads a model, resolving `--chip` when given; a RANC `input.json` is read with its `config.json`,
/// an IBM model.json on `--chip` (default truenorth).
func loadModel(_ path: String, chipFlag: String?) throws(InputError) -> Model {
  let chip: ChipDefinition? = try chipFlag.map { flag throws(InputError) in try ChipDefinition.resolve(flag) }
  return try parseModel(path, chip: chip, check: true).model
}

/// Reads the model at `path` in any model format (tnsim, RANC `input.json` with its `config.json`,
/// IBM model.json on `chip`, default truenorth), with the line of each core's object where the
/// format gives one (0 otherwise); `check` refuses a model that breaks the chip's rules.
func parseModel(_ path: String, chip: ChipDefinition?, check: Bool) throws(InputError) -> (model: Model, coreLines: [Int]) {
  if RANCModelFiles.isInput(path: path) {
    let m = try RANCModelFiles.load(input: path, chip: chip).0
    return (m, Array(repeating: 0, count: m.cores.count))
  }
  if FileKind.detect(path: path) == .ibmModel {
    let ibmChip: ChipDefinition
    if let chip { ibmChip = chip } else { ibmChip = try ChipDefinition.resolve("truenorth") }
    let m = try IBMModelFile.load(path: path, chip: ibmChip)
    if check, let first = m.violations().first {
      throw InputError(file: path, path: first.location, message: first.description + " (run `tnsim validate \(path)`)")
    }
    return (m, Array(repeating: 0, count: m.cores.count))
  }
  return try explainingKind(of: path) { () throws(InputError) in
    check ? (try Model.load(path: path, chip: chip), []) : try Model.parse(fileAt: path, chip: chip)
  }
}

let runCommand = Command(
  name: "run",
  summary: "Simulate a model tick by tick and report spikes, synaptic events and throughput.",
  usage: "run MODEL [--input SPIKES] [--ticks N] [--output SPIKES [--output-format F]] [--seed S] [--threads T] [--record all|pins] [--fidelity tick|cycle] [--strict] [--report DIR] [--trace CORE:NEURON,... [--trace-output FILE]] [--json]",
  details: """
    MODEL is a tnsim model file (docs/model-format.md), an IBM model.json (on --chip, default truenorth), or a
    RANC input.json (with config.json beside it), whose packets are then the input unless --input is given
    (docs/interop.md). Input spikes stamped t are
    integrated in tick t; output spikes carry the tick the neuron fired in (docs/timing.md). Input spikes are
    read in any spike format (tnsim .csv or .tnspk, IBM .sfti or .sfri, RANC input.json packets), detected from
    the content; output spikes are written in the format --output-format or the extension names (.csv .tnspk
    .sfro .txt; anything else CSV) (docs/spike-formats.md, docs/interop.md). Without --ticks the run lasts
    until 16 ticks after the last input spike.
    --fidelity cycle also schedules every tick's spikes hop by hop through the mesh of routers and checks each
    tick's cycles against its budget; the spikes are the same as at tick fidelity. Both print an energy
    estimate (docs/routing-and-energy.md). --strict and --report imply --fidelity cycle.
    --trace records the membrane potential of each named neuron (CORE the linear core id y * width + x) at the
    end of every tick, as CSV (tick, then one column per neuron) to --trace-output, or traces.csv and traces.svg
    in the --report folder.
    """,
  options: [
    Option(name: "input", value: "SPIKES", help: "input spikes (tick,core,axon) in any spike format"),
    Option(name: "ticks", value: "N", help: "ticks to simulate"),
    Option(name: "output", value: "SPIKES", help: "write reported spikes here, in the format the extension names (else CSV)"),
    Option(name: "output-format", value: "F", help: "the output's format: \(SpikeFormat.names(writing: .output).replacingOccurrences(of: ", ", with: "|"))"),
    Option(name: "record", value: "all|pins", help: "report spikes sent to output pins (default) or every spike"),
    Option(name: "seed", value: "S", help: "replace the model's seed (every core's generator derives from it)"),
    Option(name: "threads", value: "T", help: "worker threads (default: all processors; outputs are identical)"),
    Option(name: "chip", value: "CHIPDEF", help: "use this chip definition instead of the model's"),
    Option(name: "fidelity", value: "tick|cycle", help: "tick (default) or cycle: also model routing cycles, link loads, deadlines"),
    Option(name: "strict", value: nil, help: "stop with an error at the first tick that misses its deadline"),
    Option(name: "report", value: "DIR", help: "write summary.json and SVG pictures (raster, link loads, ticks) to DIR"),
    Option(name: "trace", value: "CORE:NEURON,...", help: "record these neurons' potentials every tick (CSV; drawn in --report)"),
    Option(name: "trace-output", value: "FILE", help: "write the --trace CSV here (default: traces.csv in the --report folder)"),
    Option(name: "json", value: nil, help: "print the summary as one JSON object"),
  ],
  run: { args in
    let path = try args.onePositional("MODEL file")
    let model = try loadModel(path, chipFlag: args.string("chip"))
    let record = args.string("record") ?? "pins"
    guard record == "all" || record == "pins" else {
      throw UsageError(flag: "record", value: record, allowed: "all, pins", message: "'\(record)' is not allowed; use all or pins")
    }
    let ticks = try args.int("ticks", in: 0...Int(UInt32.max)).map(Int64.init)
    // A RANC input.json is its own input: its packets.
    let inputPath = args.string("input") ?? (RANCModelFiles.isInput(path: path) ? path : nil)
    let input = try inputPath.map { p throws(InputError) in try SpikeFormat.openInput(p, chip: model.chip) }
    guard ticks != nil || input != nil else { throw UsageError.needsTicks }
    let format = try outputFormat(args)
    let output = try args.string("output").map { p throws(InputError) in try SpikeFormat.createOutput(p, format: format, model: model) }
    let sim = try Simulator(model: model, seed: try args.uint64("seed"), threads: try args.int("threads", in: 1...1024) ?? 0,
      recordAll: record == "all")
    let fidelity = args.string("fidelity") ?? (args.flag("strict") || args.string("report") != nil ? "cycle" : "tick")
    guard fidelity == "tick" || fidelity == "cycle" else {
      throw UsageError(flag: "fidelity", value: fidelity, allowed: "tick, cycle", message: "'\(fidelity)' is not allowed; use tick or cycle")
    }
    guard fidelity == "cycle" || (!args.flag("strict") && args.string("report") == nil) else {
      throw UsageError(flag: "fidelity", value: fidelity, allowed: "cycle", message: "--strict and --report need --fidelity cycle")
    }
    let trace = try potentialTrace(args, model: model)
    let report = try args.string("report").map { dir throws(InputError) in try RunReport.prepare(directory: dir) }
    report?.recordAllHint = "tnsim run --record all"
    let analysis = fidelity == "cycle" ? CycleRun(chip: model.chip, strict: args.flag("strict"), keepSeries: report != nil) : nil
    if let report, let analysis { report.attach(to: analysis, model: model, recordAll: record == "all") }
    let bar = ProgressBar(label: "run", enabled: !args.flag("json"))
    let progress: (Int64, Int64?) -> Void = { done, total in
      bar.update(Double(done) / Double(total ?? max(done, 1)), "tick \(done)")
    }
    let summary: RunSummary
    do {
      summary = try sim.run(ticks: ticks, inputFile: input, output: output, analysis: analysis, progress: progress,
        afterTick: trace.map { t in { t.record($0) } })
    } catch {
      bar.finish()
      output?.discard()  // a failed run leaves no spike file that looks complete
      throw error
    }
    bar.finish()
    try output?.close()
    if let report, let analysis {
      try report.write(summary: summary, model: model, analysis: analysis, trace: trace)
    }
    if let trace, let file = args.string("trace-output") { try writeFileAtomically(Array(trace.csv.utf8), to: file) }
    if args.flag("json") {
      print(summary.json(chip: model.chip, analysis: analysis))
    } else {
      let s = summary.statistics
      print("""
        ticks            \(summary.ticks) on \(summary.cores) cores (\(summary.neurons) neurons), \(summary.threads) thread\(summary.threads == 1 ? "" : "s")
        spikes           \(s.spikes) fired (\(String(format: "%.2f", summary.meanRateHz(tickSeconds: model.chip.tickSeconds))) Hz per neuron), \(s.inputSpikes) input, \(summary.outputSpikes) reported\(args.string("output").map { " to " + $0 } ?? "")
        synaptic events  \(s.synapticEvents)
        wall time        \(String(format: "%.3f", summary.wallSeconds)) s: \(String(format: "%.0f", summary.ticksPerSecond)) ticks/s, \(String(format: "%.3g", summary.synapticEventsPerSecond)) synaptic events/s, \(String(format: "%.3g", summary.spikesPerSecond)) spikes/s
        state            \(String(format: "%.1f", Double(summary.stateBytes) / 1048576)) MiB
        """)
      print(summary.costText(chip: model.chip, analysis: analysis, note: costNote))
      if let report {
        print("report           \(report.directory)/: " + (RunReport.files + (trace == nil ? [] : RunReport.traceFiles)).joined(separator: ", "))
      }
      if trace != nil, let file = args.string("trace-output") { print("trace            \(file)") }
    }
    return 0
  })

/// The `--trace` neurons' recorder, when the flag is given; it needs somewhere to write.
func potentialTrace(_ args: ParsedArguments, model: Model) throws(UsageError) -> PotentialTrace? {
  guard let spec = args.string("trace") else {
    if let file = args.string("trace-output") {
      throw UsageError(flag: "trace-output", value: file, message: "needs --trace CORE:NEURON,...")
    }
    return nil
  }
  switch PotentialTrace.parse(spec, model: model) {
  case .failure(let e): throw UsageError(flag: "trace", value: e.item, allowed: "CORE:NEURON,...", message: e.message)
  case .success(let neurons):
    guard args.string("trace-output") != nil || args.string("report") != nil else {
      throw UsageError(flag: "trace", value: spec, message: "needs --trace-output FILE or --report DIR to write the potentials to")
    }
    return PotentialTrace(neurons: neurons)
  }
}
