import Foundation
import TrueNorth
import TrueNorthIO
import _TNSupport

/// The file workloads of `tnsim bench` (issue 16): spike files read and written in both formats,
/// the full-chip model loaded, and RANC's 5-core network run from files to files as whole processes.
public enum FileBenchmark: String, CaseIterable, Sendable {
  /// 1,000,000 input spikes (1,000 ticks) written and read as CSV and as `.tnspk`.
  case spikeFiles = "spike-files"
  /// The full-chip random model of chip-20hz (`generate random --chip truenorth --seed 7`, 94 MB)
  /// loaded as tnsim's model file and as IBM's model.json (the same model, 220 MB), and a RANC
  /// input.json of 255 cores of the ranc-5core-files shape with 139,000 packets (59 MB).
  case modelLoad = "model-load"
  /// A RANC-style 5-core network (`input.json` + `config.json`, the shape of RANC's MNIST network)
  /// with 1,000 ticks of dense input (about 140,000 spikes) as CSV, run as `tnsim run` processes to
  /// a CSV output file; with the split of one run in this process.
  case ranc5coreFiles = "ranc-5core-files"

  /// One timed step of a file workload.
  public struct Result: Sendable {
    /// The workload and step: `spike-files csv read`.
    public var name: String
    /// Median wall seconds over `runs`.
    public var seconds: Double
    /// Every run's wall seconds.
    public var runs: [Double]
    /// Bytes of the file read or written (0 when the step is not a file).
    public var bytes: Int
    /// Records (spikes or neurons) read or written.
    public var records: Int
    /// Peak resident memory of the process so far, bytes (for a child process: its own).
    public var peakResidentBytes: Int

    /// Megabytes (10^6) per second.
    public var megabytesPerSecond: Double { Double(bytes) / 1e6 / max(seconds, 1e-9) }
    /// Records per second.
    public var recordsPerSecond: Double { Double(records) / max(seconds, 1e-9) }

    /// One JSON object with every figure.
    public var json: String {
      var w = JSONTextWriter()
      w.beginObject()
      w.member("name", name)
      w.member("seconds", seconds, .decimals(4))
      w.key("runs")
      w.beginArray(.compact)
      for r in runs { w.value(r, .decimals(4)) }
      w.endArray()
      w.member("bytes", bytes)
      w.member("records", records)
      w.member("megabytesPerSecond", megabytesPerSecond, .decimals(1))
      w.member("recordsPerSecond", recordsPerSecond, .significant(4))
      w.member("peakResidentBytes", peakResidentBytes)
      w.endObject()
      return w.text
    }
  }

  /// Runs the workload in `directory` (created, then removed), timing each step `repeats` times.
  /// In a kept folder the file workloads write `spikes.csv`, `spikes.tnspk`, `random-chip.json`,
  /// and RANC's `input.json`, `config.json`, `in.csv` and `out.csv`.
  /// - Parameter runProcess: runs the whole `tnsim run` process of `ranc-5core-files` on the
  ///   model, input and output files given, and waits for it (the executable knows its flags).
  /// - Parameter keep: leave the files in `directory` (to rerun a step by hand).
  public func run(directory: String, repeats: Int = 5, keep: Bool = false,
    runProcess: (_ model: String, _ input: String, _ output: String) throws -> Void) throws -> [Result] {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { if !keep { try? FileManager.default.removeItem(atPath: directory) } }
    switch self {
    case .spikeFiles: return try spikeFiles(directory, repeats: repeats)
    case .modelLoad: return try modelLoad(directory, repeats: max(1, repeats / 2))
    case .ranc5coreFiles: return try rancFiles(directory, repeats: repeats, runProcess: runProcess)
    }
  }

  /// The median of `repeats` timings of `body`, and every timing.
  static func time(_ repeats: Int, _ body: () throws -> Void) rethrows -> (Double, [Double]) {
    var runs: [Double] = []
    for _ in 0..<repeats {
      let start = DispatchTime.now().uptimeNanoseconds
      try body()
      runs.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return (runs.sorted()[runs.count / 2], runs)
  }

  static func size(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
  }

  func spikeFiles(_ dir: String, repeats: Int) throws -> [Result] {
    var rng = SplitMix64(seed: 16)
    var spikes: [InputSpike] = []
    spikes.reserveCapacity(1_000_000)
    for k in 0..<1_000_000 {
      spikes.append(InputSpike(tick: Int64(k / 1000), core: Int32(rng.next(below: 4096)), axon: Int32(rng.next(below: 256))))
    }
    var out: [Result] = []
    for format in [SpikeFormat.csv, .tnspk] {
      let path = dir + "/spikes." + format.name
      let (w, wr) = try Self.time(repeats) {
        let writer = try SpikeWriter<InputSpike>(path: path, format: format)
        for s in spikes { try writer.write(s) }
        try writer.close()
      }
      let bytes = Self.size(path)
      out.append(Result(name: "\(rawValue) \(format.name) write", seconds: w, runs: wr, bytes: bytes, records: spikes.count,
        peakResidentBytes: Benchmark.peakResident()))
      var count = 0
      let (r, rr) = try Self.time(repeats) {
        var reader = try SpikeReader<InputSpike>(path: path)
        count = 0
        while try reader.nextRecord() != nil { count += 1 }
      }
      guard count == spikes.count else { throw InputError(file: path, message: "read \(count) of \(spikes.count) spikes") }
      out.append(Result(name: "\(rawValue) \(format.name) read", seconds: r, runs: rr, bytes: bytes, records: count,
        peakResidentBytes: Benchmark.peakResident()))
    }
    return out
  }

  func modelLoad(_ dir: String, repeats: Int) throws -> [Result] {
    let chip = try ChipDefinition.resolve("truenorth")
    let path = dir + "/random-chip.json", ibmPath = dir + "/ibm-model.json"
    var results: [Result] = []
    do {
      let model = Model.random(chip: chip, seed: 7)
      try writeFileAtomically(model.fileBytes(), to: path)
      try IBMModelFile.save(model, to: ibmPath)
    }
    var cores = 0
    let (t, runs) = try Self.time(repeats) { cores = try Model.load(path: path).cores.count }
    results.append(Result(name: "\(rawValue) tnsim model", seconds: t, runs: runs, bytes: Self.size(path), records: cores * 256,
      peakResidentBytes: Benchmark.peakResident()))
    let (ti, ibmRuns) = try Self.time(repeats) { cores = try IBMModelFile.load(path: ibmPath, chip: chip).cores.count }
    results.append(Result(name: "\(rawValue) IBM model.json", seconds: ti, runs: ibmRuns, bytes: Self.size(ibmPath), records: cores * 256,
      peakResidentBytes: Benchmark.peakResident()))
    // RANC: cores of the 5-core network's shape, 255 of them, and 1,000 ticks of dense packets.
    let rancPath = dir + "/ranc-input.json"
    do {
      let (model, spikes) = try Self.rancNetwork(hidden: 254, packetsPerTick: 139)
      let (input, config) = try RANCModelFiles.export(model, inputs: spikes)
      try writeFileAtomically(input, to: rancPath)
      try writeFileAtomically(config, to: dir + "/config.json")
    }
    var packets = 0
    let (tr, rancRuns) = try Self.time(repeats) {
      let (model, spikes) = try RANCModelFiles.load(input: rancPath, chip: chip)
      cores = model.cores.count
      packets = spikes.records.count
    }
    results.append(Result(name: "\(rawValue) RANC input.json", seconds: tr, runs: rancRuns,
      bytes: Self.size(rancPath), records: cores * 256 + packets, peakResidentBytes: Benchmark.peakResident()))
    return results
  }

  /// The 5-core network: four hidden cores at (0,0), (1,0), (2,0), (0,1) of RANC's 3 x 2 grid, each
  /// sending 64 neurons to the output core at (1,1), whose 250 neurons go to output pins.
  ///
  /// With `hidden` other than 4 (model-load's large RANC file): that many hidden cores, row-major
  /// on a grid 16 cores wide, each sending its neurons 0...63 to the output core's axons (hidden
  /// core k to axons 64 (k mod 4)...), the output core after them.
  static func rancNetwork(hidden: Int = 4, packetsPerTick: Int = 139) throws -> (Model, [InputSpike]) {
    let chip = try ChipDefinition.resolve("truenorth")
    var rng = SplitMix64(seed: 5)
    var model = Model(chip: chip, seed: 5)
    let width = hidden == 4 ? 2 : 16
    let places = hidden == 4 ? [(0, 0), (1, 0), (2, 0), (0, 1), (1, 1)] : (0...hidden).map { ($0 % width, $0 / width) }
    let out = places[hidden]
    for (k, (x, y)) in places.enumerated() {
      var core = model.emptyCore(x: x, y: y)
      for i in 0..<256 {
        core.axonTypes[i] = UInt8(i % 2)
        for j in 0..<256 where rng.next(below: 4) == 0 { core.crossbar[i, j] = true }
      }
      for j in 0..<256 {
        core.neurons[j].weights = SIMD4(1, -1, 0, 0)
        core.neurons[j].leak = 0
        core.neurons[j].threshold = k < hidden ? 2 : 3
        core.neurons[j].negativeThreshold = 0
        if k < hidden {
          core.neurons[j].destination =
            j < 64 ? .axon(dx: Int32(out.0 - x), dy: Int32(out.1 - y), axon: Int32(k % 4 * 64 + j), delay: 1) : .none
        } else {
          core.neurons[j].destination = j < 250 ? .pin(Int32(j)) : .none
        }
      }
      model.cores.append(core)
    }
    // 1,000 ticks of dense input: `packetsPerTick` spikes a tick on the hidden cores' axons.
    var spikes: [InputSpike] = []
    let ids = places.prefix(hidden).map { Int32(chip.coreID(x: $0.0, y: $0.1)) }
    for tick in 0..<1000 {
      var chosen = Set<Int>()
      while chosen.count < packetsPerTick { chosen.insert(rng.next(below: hidden * 256)) }
      for c in chosen.sorted() { spikes.append(InputSpike(tick: Int64(tick), core: ids[c / 256], axon: Int32(c % 256))) }
    }
    return (model, spikes)
  }

  func rancFiles(_ dir: String, repeats: Int, runProcess: (String, String, String) throws -> Void) throws -> [Result] {
    let (model, spikes) = try Self.rancNetwork()
    let modelPath = dir + "/input.json", inputPath = dir + "/in.csv", outputPath = dir + "/out.csv"
    try RANCModelFiles.save(model, input: modelPath, config: dir + "/config.json")
    let writer = try SpikeWriter<InputSpike>(path: inputPath)
    for s in spikes { try writer.write(s) }
    try writer.close()
    // The split, in this process: each step on its own.
    var loaded: Model?
    let (load, loadRuns) = try Self.time(repeats) { loaded = try RANCModelFiles.load(input: modelPath, chip: nil).0 }
    guard let loaded else { return [] }
    var list: [InputSpike] = []
    let (input, inputRuns) = try Self.time(repeats) {
      var reader = try SpikeReader<InputSpike>(path: inputPath)
      list = try reader.readAll()
    }
    var sink = MemorySpikeSink<OutputSpike>()
    let (simulate, simulateRuns) = try Self.time(repeats) {
      sink = MemorySpikeSink<OutputSpike>()
      let sim = try Simulator(model: loaded, threads: 1)
      var source: (any SpikeSource<InputSpike>)? = SpikeList(path: inputPath, records: list, locations: [])
      _ = try sim.run(ticks: nil, input: &source, output: sink)
    }
    let (output, outputRuns) = try Self.time(repeats) {
      let w = try SpikeWriter<OutputSpike>(path: outputPath)
      for s in sink.records { try w.write(s) }
      try w.close()
    }
    // Whole processes, as users run them.
    var childPeak = 0
    let (whole, wholeRuns) = try Self.time(repeats) {
      try runProcess(modelPath, inputPath, outputPath)
      var usage = rusage()
      getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
      childPeak = max(childPeak, Int(usage.ru_maxrss) * 1024)
    }
    let outBytes = Self.size(outputPath)
    let peak = Benchmark.peakResident()
    return [
      Result(name: "\(rawValue) load (RANC input.json)", seconds: load, runs: loadRuns, bytes: Self.size(modelPath), records: 5 * 256, peakResidentBytes: peak),
      Result(name: "\(rawValue) input (CSV)", seconds: input, runs: inputRuns, bytes: Self.size(inputPath), records: list.count, peakResidentBytes: peak),
      Result(name: "\(rawValue) simulate (1,016 ticks)", seconds: simulate, runs: simulateRuns, bytes: 0, records: sink.records.count, peakResidentBytes: peak),
      Result(name: "\(rawValue) output (CSV)", seconds: output, runs: outputRuns, bytes: outBytes, records: sink.records.count, peakResidentBytes: peak),
      Result(name: "\(rawValue) whole tnsim run process", seconds: whole, runs: wholeRuns, bytes: 0, records: list.count, peakResidentBytes: childPeak),
    ]
  }
}
