import Deployment
import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

let validateCommand = Command(
  name: "validate",
  summary: "Check every hardware constraint of a model and list each violation.",
  usage: "validate MODEL [--chip CHIPDEF] [--json] [--expect SPIKES [--input SPIKES] [--record all|pins]] [--traffic SPIKES] [--ticks N]",
  details: """
    Checks core positions (on the grid, one core per position), fan-in (at most the chip's axons), axon
    types, the range of every neuron field from the chip's bit widths, destinations (one per neuron, on the
    grid, to a configured core, axon in range, delay 1..maxDelay) and output pins. Each violation names its
    core, neuron or axon, field, value and what is allowed. Exit status 0 only when the model fits.
    MODEL may also be an IBM model.json (on --chip, default truenorth) or a RANC input.json (config.json
    beside it), whose packets are then the input.
    With --expect, a model that fits is also run on --input (for --ticks, or until the input ends) and its
    reported spikes are compared with SPIKES as `tnsim diff` does (any supported format, docs/interop.md);
    exit status 0 then needs identical spikes too.
    With --traffic, a model that fits is also run at cycle fidelity over those input spikes and the traffic
    checks are added: deadline misses, the busiest links and the chip-to-chip load (docs/routing-and-energy.md);
    exit status 0 then needs every tick within its budget too.
    """,
  options: [
    Option(name: "chip", value: "CHIPDEF", help: "check against this chip definition instead of the model's"),
    Option(name: "json", value: nil, help: "print {\"fits\": ..., \"violations\": [...]}"),
    Option(name: "expect", value: "SPIKES", help: "run the model and compare its output with these spikes"),
    Option(name: "input", value: "SPIKES", help: "with --expect: input spikes (tnsim, IBM .sfti/.sfri, RANC input.json)"),
    Option(name: "ticks", value: "N", help: "with --expect or --traffic: ticks to run"),
    Option(name: "record", value: "all|pins", help: "with --expect: compare spikes sent to pins (default) or every spike"),
    Option(name: "traffic", value: "SPIKES", help: "run at cycle fidelity on these input spikes and check the traffic"),
  ],
  run: { args in
    let path = try args.onePositional("MODEL file")
    // A RANC input.json (config.json beside it) is refused on import unless it fits the chip.
    let ranc = RANCModelFiles.isInput(path: path)
    let model: Model, lines: [Int]
    do throws(InputError) {
      let override = try args.string("chip").map { c throws(InputError) in try ChipDefinition.resolve(c) }
      (model, lines) = try parseModel(path, chip: override, check: false)
    } catch {
      // --json promises one object on standard output, also when the file does not load.
      if args.flag("json") { print(errorJSON(error)) }
      throw error
    }
    let ticks = try args.int("ticks", in: 0...Int(UInt32.max)).map(Int64.init)
    let report = try ValidationReport(path: path, model: model, coreLines: lines, trafficInput: args.string("traffic"), ticks: ticks)
    print(args.flag("json") ? report.json : report.text)
    guard let expected = args.string("expect") else { return report.passes ? 0 : 1 }
    guard report.fits else { return 1 }
    let record = args.string("record") ?? "pins"
    guard record == "all" || record == "pins" else {
      throw UsageError(flag: "record", value: record, allowed: "all, pins", message: "'\(record)' is not allowed; use all or pins")
    }
    let input = args.string("input") ?? (ranc ? path : nil)
    guard ticks != nil || input != nil else { throw UsageError.needsTicks }
    let (summary, diff) = try MappingCheck.run(model: model, input: input,
      ticks: ticks, recordAll: record == "all", expected: expected)
    print(args.flag("json") ? diff.json : "ran \(summary.ticks) ticks; " + diff.report(expectedName: expected, actualName: "the run"))
    return diff.identical && report.passes ? 0 : 1
  })

let infoCommand = Command(
  name: "info",
  summary: "Summarise a chip definition, model, spike file, trained network, topology or sweep CSV.",
  usage: "info FILE",
  details: """
    The kind of FILE is detected from its content: a chip definition, a tnsim model, an IBM model.json (on
    --chip, default truenorth), spikes in any format (docs/spike-formats.md; RANC packets on --chip), a trained
    network (also compressed by gzip), a topology or a sweep's CSV.
    """,
  options: [Option(name: "chip", value: "CHIPDEF", help: "for a model or RANC packets: use this chip definition")],
  run: { args in
    let path = try args.onePositional("FILE")
    let override = try args.string("chip").map { c throws(InputError) in try ChipDefinition.resolve(c) }
    let head = fileHead(path)
    if TrainedNetwork.isNetworkFile(head: head) || Gzip.isCompressed(fileHeadBytes(path)) {
      print(try TrainedNetwork.read(from: path).summaryText)
      return 0
    }
    if head.contains("\"tnsim-topology\"") {
      print(try Topology.parse(Data(try readFile(path)), file: path).summaryText)
      return 0
    }
    if Sweep.isCSV(Array(head.utf8)) {
      print(try Sweep.summary(csv: path))
      return 0
    }
    if RANCModelFiles.isInput(path: path) {
      // A RANC input.json is a model (with config.json beside it) and its packets.
      let (model, packets) = try RANCModelFiles.load(input: path, chip: override)
      print("RANC input.json: " + ModelSummary(model).text(for: model))
      print("  packets       \(packets.records.count) input spikes, ticks \(packets.records.first?.tick ?? 0)...\(packets.records.last?.tick ?? 0)")
      return 0
    }
    let kind = FileKind.detect(path: path)
    if kind == .spikes(.csv) { try FileKind.refuseUnknown(path: path) }
    switch kind {
    case .chipDefinition:
      print(try ChipDefinition.parse(try readFile(path), file: path).summaryText)
    case .tnsimModel:
      let (model, _) = try Model.parse(fileAt: path, chip: override)
      print(ModelSummary(model).text(for: model))
      let v = model.violations()
      print("  fits          " + (v.isEmpty ? "yes" : "no: \(v.count) violations (tnsim validate \(path))"))
    case .ibmModel:
      let model = try IBMModelFile.load(path: path, chip: try override ?? ChipDefinition.resolve("truenorth"))
      print(ModelSummary(model).text(for: model))
    case .spikes:
      print(try SpikeFileSummary(path: path, chip: override).text)
    }
    return 0
  })

let generateCommand = Command(
  name: "generate",
  summary: "Write a generated model: random activity at a chosen rate, for tests and benchmarks.",
  usage: "generate random --chip CHIPDEF --output MODEL [--seed S] [--cores N] [--rate HZ] [--synapses N] [--weight W] [--reach R] [--stochastic]",
  details: """
    random: balanced +w/-w weights, a leak of +1 and a threshold of 1/rate ticks, so each neuron fires at
    about --rate Hz (at the chip's tick) driven by its leak and jittered by its input; each neuron sends to a
    random axon of a random core within --reach cores, with a random delay. --stochastic turns on random
    stochastic synapses, leaks, threshold masks, reset modes and kappa (every neuron mode).
    """,
  options: [
    Option(name: "chip", value: "CHIPDEF", help: "chip definition name or path (default truenorth)"),
    Option(name: "output", value: "MODEL", help: "the model file to write"),
    Option(name: "seed", value: "S", help: "seed (default 1)"),
    Option(name: "cores", value: "N", help: "configure the first N cores (default: the whole grid)"),
    Option(name: "rate", value: "HZ", help: "target firing rate per neuron (default 20)"),
    Option(name: "synapses", value: "N", help: "mean synapses per neuron (default 128)"),
    Option(name: "weight", value: "W", help: "weight magnitude (default 2)"),
    Option(name: "reach", value: "R", help: "largest |dx|, |dy| of a destination (default 255)"),
    Option(name: "stochastic", value: nil, help: "use every stochastic mode too"),
  ],
  run: { args in
    guard args.positional == ["random"] else {
      throw UsageError(allowed: "random", message: "expected the generator name: random")
    }
    guard let output = args.string("output") else { throw UsageError(flag: "output", message: "is required") }
    let chip = try ChipDefinition.resolve(args.string("chip") ?? "truenorth")
    var options = Model.RandomOptions()
    options.rateHz = try args.double("rate", in: 0.001...1e6) ?? options.rateHz
    options.synapsesPerNeuron = try args.int("synapses", in: 0...256) ?? options.synapsesPerNeuron
    options.weight = Int32(try args.int("weight", in: 0...255) ?? Int(options.weight))
    options.reach = try args.int("reach", in: 0...255) ?? options.reach
    options.cores = try args.int("cores", in: 1...chip.coreCount)
    options.stochastic = args.flag("stochastic")
    var model = Model.random(chip: chip, seed: try args.uint64("seed") ?? 1, options: options)
    model.chipReference = args.string("chip") ?? "truenorth"
    try model.save(to: output)
    print("wrote \(output): \(model.cores.count) cores on \(chip.name)")
    return 0
  })

/// The first 4 KiB of a file as text (empty when it cannot be read), for telling kinds apart.
func fileHead(_ path: String) -> String {
  String(decoding: fileHeadBytes(path), as: UTF8.self)
}

/// The first 4 KiB of a file (empty when it cannot be read).
func fileHeadBytes(_ path: String) -> [UInt8] {
  guard let h = FileHandle(forReadingAtPath: path) else { return [] }
  defer { try? h.close() }
  return [UInt8]((try? h.read(upToCount: FileKind.headLength)) ?? Data())
}
