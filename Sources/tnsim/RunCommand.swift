import Foundation
import TrueNorth

/// Loads a model, resolving `--chip` when given.
func loadModel(_ path: String, chipFlag: String?) throws(InputError) -> Model {
  let chip: ChipDefinition? = try chipFlag.map { flag throws(InputError) in try ChipDefinition.resolve(flag) }
  return try Model.load(path: path, chip: chip)
}

let runCommand = Command(
  name: "run",
  summary: "Simulate a model tick by tick and report spikes, synaptic events and throughput.",
  usage: "run MODEL [--input SPIKES] [--ticks N] [--output SPIKES] [--seed S] [--threads T] [--record all|pins] [--json]",
  details: """
    MODEL is a tnsim model file (docs/model-format.md). Input spikes stamped t are integrated in tick t;
    output spikes carry the tick the neuron fired in (docs/timing.md). Spike files are CSV (.csv) or binary
    (.tnspk), detected from their content (docs/spike-formats.md). Without --ticks the run lasts until 16
    ticks after the last input spike.
    """,
  options: [
    Option(name: "input", value: "SPIKES", help: "input spikes (tick,core,axon), CSV or binary, in tick order"),
    Option(name: "ticks", value: "N", help: "ticks to simulate"),
    Option(name: "output", value: "SPIKES", help: "write reported spikes here (.tnspk = binary, else CSV)"),
    Option(name: "record", value: "all|pins", help: "report spikes sent to output pins (default) or every spike"),
    Option(name: "seed", value: "S", help: "replace the model's seed (every core's generator derives from it)"),
    Option(name: "threads", value: "T", help: "worker threads (default: all processors; outputs are identical)"),
    Option(name: "chip", value: "CHIPDEF", help: "use this chip definition instead of the model's"),
    Option(name: "json", value: nil, help: "print the summary as one JSON object"),
  ],
  run: { args in
    let path = try args.onePositional("MODEL file")
    let model = try loadModel(path, chipFlag: args.string("chip"))
    let record = args.string("record") ?? "pins"
    guard record == "all" || record == "pins" else {
      throw InputError(file: "--record", message: "'\(record)' is not allowed; use all or pins")
    }
    let ticks = try args.int("ticks", in: 0...Int(UInt32.max)).map(Int64.init)
    var input: (any SpikeSource<InputSpike>)? = try args.string("input").map { p throws(InputError) in try SpikeFiles.openInput(p) }
    guard ticks != nil || input != nil else {
      throw InputError(file: "--ticks", message: "give --ticks N (or --input, to run until the input ends)")
    }
    let output = try args.string("output").map { p throws(InputError) in try SpikeWriter<OutputSpike>(path: p) }
    let sim = try Simulator(model: model, seed: try args.uint64("seed"), threads: try args.int("threads", in: 1...1024) ?? 0,
      recordAll: record == "all")
    let bar = ProgressBar(label: "run", enabled: !args.flag("json"))
    let summary = try sim.run(ticks: ticks, input: &input, output: output) { done, total in
      bar.update(Double(done) / Double(total ?? max(done, 1)), "tick \(done)")
    }
    bar.finish()
    try output?.close()
    if args.flag("json") {
      print(summary.json(tickSeconds: model.chip.tickSeconds))
    } else {
      let s = summary.statistics
      print("""
        ticks            \(summary.ticks) on \(summary.cores) cores (\(summary.neurons) neurons), \(summary.threads) thread\(summary.threads == 1 ? "" : "s")
        spikes           \(s.spikes) fired (\(String(format: "%.2f", summary.meanRateHz(tickSeconds: model.chip.tickSeconds))) Hz per neuron), \(s.inputSpikes) input, \(summary.outputSpikes) reported\(args.string("output").map { " to " + $0 } ?? "")
        synaptic events  \(s.synapticEvents)
        wall time        \(String(format: "%.3f", summary.wallSeconds)) s: \(String(format: "%.0f", summary.ticksPerSecond)) ticks/s, \(String(format: "%.3g", summary.synapticEventsPerSecond)) synaptic events/s, \(String(format: "%.3g", summary.spikesPerSecond)) spikes/s
        state            \(String(format: "%.1f", Double(summary.stateBytes) / 1048576)) MiB
        """)
    }
    return 0
  })
