import Dispatch
import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// A sweep of copies x spf: every combination deployed and evaluated, each result appended to
/// `DIR/sweep.csv` as it finishes so an interrupted sweep resumes where it stopped, then a
/// Markdown table and SVG plots (docs/deployment.md).
public struct Sweep {
  /// The trained network file.
  public var networkPath: String
  /// Copies to try.
  public var copies: [Int]
  /// Ticks per frame to try.
  public var spf: [Int]
  /// The first `images` test images are classified at every point.
  public var images: Int
  /// The deployment settings shared by every point (`copies` is set per point).
  public var options: DeploymentOptions
  /// The folder of sweep.csv, sweep.md and the plots.
  public var directory: String
  /// Where MNIST is read from.
  public var dataDirectory = MNIST.defaultDirectory
  /// Points evaluated at once, each by its own simulator; 0 = one per processor. The results do
  /// not depend on it (every point's simulation is deterministic whatever its threads).
  public var threads = 0
  /// Whether each point also gets the accuracy predicted without simulation (the `predicted`
  /// column); without it a point costs only its chip run.
  public var predict = true
  /// The network read from `networkPath`, when the caller has read it already (`run` reads the
  /// file otherwise, once it has points to run).
  public var trained: TrainedNetwork?

  /// A sweep of every combination of `copies` x `spf`, results in `directory`.
  public init(networkPath: String, copies: [Int], spf: [Int], images: Int, options: DeploymentOptions, directory: String) {
    self.networkPath = networkPath
    self.copies = copies
    self.spf = spf
    self.images = images
    self.options = options
    self.directory = directory
  }

  /// The CSV the results are appended to: a header line, then one row per point (plain CSV).
  public var csvPath: String { directory + "/sweep.csv" }

  /// The file beside the CSV holding the settings a resumed sweep must share (one line).
  public var settingsPath: String { directory + "/sweep-settings.txt" }

  /// The settings a resumed sweep must share, as one line. Sweeps before this file existed kept
  /// it as the CSV's first line, behind `# `; `finishedRows` still reads those.
  func settingsLine() throws(InputError) -> String {
    "tnsim sweep: network=\(networkPath) fingerprint=\(String(Self.fingerprint(try readFile(networkPath)), radix: 16)) images=\(images) "
      + "seed=\(options.seed) leak=\(options.leak.rawValue) shrink=\(options.shrinkWeights)" + (options.pack ? "" : " pack=false")
      + (options.scale == 1 ? "" : " scale=\(options.scale)") + " inputs=\(options.inputs.rawValue)"
      + (options.synapses == .independent ? "" : " synapses=\(options.synapses.rawValue)")
  }

  /// FNV-1a of a file's bytes: a retrained network under the same name starts a new sweep.
  static func fingerprint(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return h
  }

  static var columns: [String] { EvaluationReport.fieldNames + ["chip"] }

  /// Rows already in the CSV, keyed by (copies, spf).
  /// - Throws: `DeploymentError.sweepSettingsDiffer` when the file was made with other settings
  ///   (naming the settings file, or the CSV whose first line held them),
  ///   `InputError` when it is malformed.
  public func finishedRows() throws -> [[String: String]] {
    guard FileManager.default.fileExists(atPath: csvPath) else { return [] }
    let text = String(decoding: try readFile(csvPath), as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    let settings = try settingsLine()
    var firstLine = 1  // the header's line number
    if let first = lines.first, first.hasPrefix("#") {
      // A sweep.csv written before sweep-settings.txt: the settings are its first line.
      guard first == "# " + settings else { throw DeploymentError.sweepSettingsDiffer(file: csvPath, found: first) }
      lines.removeFirst()
      firstLine = 2
    } else {
      let found = FileManager.default.fileExists(atPath: settingsPath)
        ? String(decoding: try readFile(settingsPath), as: UTF8.self).trimmingCharacters(in: .newlines) : ""
      guard found == settings else { throw DeploymentError.sweepSettingsDiffer(file: settingsPath, found: found) }
    }
    guard let header = lines.first?.split(separator: ",").map(String.init), header == Self.columns else {
      throw InputError(file: csvPath, line: firstLine, message: "the header is not \(Self.columns.joined(separator: ","))")
    }
    var rows: [[String: String]] = []
    for (n, line) in lines.dropFirst().enumerated() {
      let values = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      // A line cut short by an interruption is dropped and recomputed.
      guard values.count == header.count else {
        if n == lines.count - 2 { break }
        throw InputError(file: csvPath, line: n + firstLine + 1, message: "expected \(header.count) fields, found \(values.count)")
      }
      rows.append(Dictionary(uniqueKeysWithValues: zip(header, values)))
    }
    return rows
  }

  /// Runs every combination not yet in the CSV, appending each result as it finishes.
  ///
  /// Points run `threads` at a time, the costliest (copies x spf) first so that the last ones to
  /// finish are short; each has its own simulator, with the processors left over when there are
  /// fewer points than workers. Rows are written to the CSV in the order points finish. This
  /// thread starts the points, writes the rows and reports progress.
  /// - Parameter progress: called as the prediction of the points to run goes (after each chunk
  ///   of images) and before each point starts with (points done, points, what goes on),
  ///   and at the end with (points, points, "done").
  /// - Returns: every row, finished earlier or now, in (copies, spf) order.
  public func run(progress: ((Int, Int, String) -> Void)? = nil) throws -> [[String: String]] {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var rows = try finishedRows()
    let done = Set(rows.map { "\($0["copies"] ?? ""),\($0["spf"] ?? "")" })
    try writeFileAtomically(Array((try settingsLine() + "\n").utf8), to: settingsPath)
    // Drops a trailing partial line before appending, and an old file's settings line.
    let kept = [Self.columns.joined(separator: ",")] + rows.map { r in Self.columns.map { r[$0] ?? "" }.joined(separator: ",") }
    try writeFileAtomically(Array((kept.joined(separator: "\n") + "\n").utf8), to: csvPath)
    let points = copies.flatMap { c in spf.map { (c, $0) } }
    let todo = points.filter { !done.contains("\($0.0),\($0.1)") }.sorted { $0.0 * $0.1 > $1.0 * $1.1 }
    guard !todo.isEmpty else { return Self.sorted(rows) }
    let trained = try self.trained ?? TrainedNetwork.read(from: networkPath)
    let test = try MNIST.loadTest(directory: dataDirectory)
    let images = test.subset(0..<min(self.images, test.count))
    // Every point's prediction from one drawing of the pool, before the chip runs: the pool never
    // exists whole (an ensemble's is over a gigabyte for 10,000 images).
    let predicted = !predict ? [] : AccuracyPrediction(network: trained, images: images, inputs: options.inputs, seed: options.seed)
      .accuracies(todo.map { (copies: $0.0, spf: $0.1) }, seed: options.seed) { done, of in
        progress?(points.count - todo.count, points.count, "predicting the accuracy of \(todo.count) point(s): \(done)/\(of) images")
      }
    let predictions = Dictionary(uniqueKeysWithValues: zip(todo.map { "\($0.0),\($0.1)" }, predicted))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: csvPath))
    defer { try? handle.close() }
    try handle.seekToEnd()
    let processors = ProcessInfo.processInfo.activeProcessorCount
    let workers = min(threads > 0 ? threads : processors, todo.count)
    let simulatorThreads = max(1, processors / workers)
    let options = self.options
    let evaluate: @Sendable (Int, Int) throws -> [String: String] = { c, s in
      var o = options
      o.copies = c
      let chip = try DeployedNetwork.chip(named: nil, for: trained.network, options: o)
      let deployed = try DeployedNetwork(trained, chip: chip, options: o)
      let evaluation = try deployed.evaluate(images: images, spf: s, seed: o.seed, threads: simulatorThreads)
      let report = EvaluationReport(evaluation: evaluation, predicted: predictions["\(c),\(s)"], chip: chip.name)
      var row = Dictionary(uniqueKeysWithValues: report.fields)
      row["chip"] = chip.name
      return row
    }
    let results = PointResults()
    var started = 0
    func start(done: Int) {
      let n = started
      started += 1
      progress?(done, points.count, "\(todo[n].0) copies x \(todo[n].1) spf")
      DispatchQueue.global().async { results.post(Result { try evaluate(todo[n].0, todo[n].1) }) }
    }
    for _ in 0..<workers { start(done: points.count - todo.count) }
    for finished in 1...todo.count {
      let row = try results.wait().get()
      try handle.write(contentsOf: Data((Self.columns.map { row[$0] ?? "" }.joined(separator: ",") + "\n").utf8))
      rows.append(row)
      if started < todo.count { start(done: points.count - todo.count + finished) }
    }
    progress?(points.count, points.count, "done")
    return Self.sorted(rows)
  }

  /// The results of a sweep's points, handed back from worker threads in the order they finish.
  final class PointResults: @unchecked Sendable {
    let lock = NSLock()
    let ready = DispatchSemaphore(value: 0)
    var results: [Result<[String: String], any Error>] = []

    /// Hands back a point's result.
    func post(_ result: Result<[String: String], any Error>) {
      lock.lock()
      results.append(result)
      lock.unlock()
      ready.signal()
    }

    /// Waits for the next result.
    func wait() -> Result<[String: String], any Error> {
      ready.wait()
      lock.lock()
      defer { lock.unlock() }
      return results.removeFirst()
    }
  }

  static func sorted(_ rows: [[String: String]]) -> [[String: String]] {
    rows.sorted { (Int($0["copies"] ?? "") ?? 0, Int($0["spf"] ?? "") ?? 0) < (Int($1["copies"] ?? "") ?? 0, Int($1["spf"] ?? "") ?? 0) }
  }

  /// The published figures for the reference 5-core MNIST network (Wen et al., DAC 2016, the
  /// seed talk), by (copies, spf), over the full test set.
  public static let seedFigures: [String: String] = ["1,1": "90.04%", "16,1": "94.63%"]

  /// The rows as a Markdown table; `topology` mnist-5core adds the seeds' figures.
  public static func markdown(_ rows: [[String: String]], topology: String = "") -> String {
    let seeds = topology == "mnist-5core"
    var s = "| copies | spf | cores | chip | accuracy | predicted |" + (seeds ? " seeds' figure |" : "")
      + " ticks/image | latency (ticks) | spikes/image | energy/image (uJ) | images |\n"
    s += "|---:|---:|---:|---|---:|---:|" + (seeds ? "---:|" : "") + "---:|---:|---:|---:|---:|\n"
    for r in rows {
      func pct(_ k: String) -> String { Double(r[k] ?? "").map { String(format: "%.2f%%", $0 * 100) } ?? "" }
      let key = "\(r["copies"] ?? ""),\(r["spf"] ?? "")"
      s += "| \(r["copies"] ?? "") | \(r["spf"] ?? "") | \(r["cores"] ?? "") | \(r["chip"] ?? "") | \(pct("accuracy")) | \(pct("predictedAccuracy")) |"
        + (seeds ? " \(seedFigures[key] ?? "") |" : "")
        + " \(r["ticksPerImage"] ?? "") | \(r["latencyTicks"] ?? "") | \(r["spikesPerImage"] ?? "") | \(r["energyPerImageMicrojoules"] ?? "") | \(r["images"] ?? "") |\n"
    }
    return s
  }

  /// Writes sweep.md and the two SVG plots next to the CSV.
  public func writeReports(_ rows: [[String: String]], topology: String = "") throws {
    try writeFileAtomically(Array(Self.markdown(rows, topology: topology).utf8), to: directory + "/sweep.md")
    try writeFileAtomically(Array(Self.copiesChart(rows).svg().utf8), to: directory + "/accuracy-vs-copies.svg")
    try writeFileAtomically(Array(Self.energyChart(rows).svg().utf8), to: directory + "/accuracy-vs-energy.svg")
  }
}
