import Foundation
import Testing

/// Runs the built `tnsim` executable (next to the test bundle) and captures its output.
struct CLI {
  static let root = #filePath.components(separatedBy: "/Tests/").first!

  static var executable: String {
    var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("tnsim").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    for config in ["release", "debug"] {
      let candidate = root + "/.build/\(config)/tnsim"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return root + "/.build/release/tnsim"
  }

  struct Result {
    var status: Int32
    var out: String
    var err: String
  }

  static func run(_ args: [String]) throws -> Result {
    try run(executable: executable, args)
  }

  /// Runs `executable`. Standard error goes to a file while standard output is drained from its
  /// pipe, so that neither stream can fill its pipe (64 KiB) and block the child while the
  /// other is being read.
  /// - Parameters:
  ///   - directory: the working folder (the package root by default).
  ///   - environment: replaces the inherited environment when given.
  static func run(executable: String, _ args: [String], in directory: String? = nil, environment: [String: String]? = nil) throws -> Result {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    p.currentDirectoryURL = URL(fileURLWithPath: directory ?? root)
    if let environment { p.environment = environment }
    let out = Pipe()
    let errPath = temporary("stderr")
    guard FileManager.default.createFile(atPath: errPath, contents: nil), let err = FileHandle(forWritingAtPath: errPath) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errPath])
    }
    defer { try? FileManager.default.removeItem(atPath: errPath) }
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try err.close()
    let e = FileManager.default.contents(atPath: errPath) ?? Data()
    return Result(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
  }

  static func temporary(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-cli-\(UInt32.random(in: 0...UInt32.max))-\(name)").path
  }
}

@Suite struct CLITests {
  @Test func theNeuronExampleProducesTheDocumentedSpikes() throws {
    let out = CLI.temporary("out.csv")
    defer { try? FileManager.default.removeItem(atPath: out) }
    let r = try CLI.run(["run", "examples/neurons/model.json", "--input", "examples/neurons/input.csv", "--ticks", "30",
                         "--record", "all", "--output", out])
    #expect(r.status == 0, "\(r.err)")
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
    func ticks(_ neuron: Int) -> [Int] {
      lines.map { $0.split(separator: ",").map { Int($0)! } }.filter { $0[2] == neuron }.map { $0[0] }
    }
    #expect(ticks(0) == [4, 9, 14, 19, 24, 29])
    #expect(ticks(1) == [2, 5, 8])
    #expect(ticks(2) == [])
    #expect(ticks(3) == [3, 6, 9, 13, 16, 19, 23, 26, 29])
    #expect(ticks(4) == [6, 10, 11, 17, 19, 23, 29])  // stochastic leak, p = 0.25: the model's seed fixes the ticks
    #expect(ticks(5) == [0, 6, 12, 18, 24])
    #expect(ticks(6) == [3, 9, 15, 21, 27])
  }

  @Test func runJSONIsOneObjectWithTheCounts() throws {
    let r = try CLI.run(["run", "examples/neurons/model.json", "--input", "examples/neurons/input.csv", "--ticks", "30", "--json"])
    #expect(r.status == 0)
    let object = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
    #expect(object?["ticks"] as? Int == 30)
    #expect(object?["inputSpikes"] as? Int == 10)
    #expect(object?["synapticEvents"] as? Int == 19)  // 9 on axon 0 -> neuron 1; 5 + 5 around the ring
    #expect(object?["cores"] as? Int == 1)
  }

  @Test func runWithoutTicksStopsSixteenTicksAfterTheLastInput() throws {
    let r = try CLI.run(["run", "examples/neurons/model.json", "--input", "examples/neurons/input.csv", "--json"])
    let object = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
    #expect(object?["ticks"] as? Int == 25)  // last input in tick 8: ticks 0...24
  }

  @Test func validateListsViolationsAndExitsNonZero() throws {
    let bad = CLI.temporary("bad.json")
    defer { try? FileManager.default.removeItem(atPath: bad) }
    try """
      {"format": "tnsim-model", "version": 1, "chip": "tiny",
       "cores": [{"x": 0, "y": 0, "neurons": [{"leak": 300}, {"destination": [5, 0, 0, 1]}, {"destination": [0, 0, 0, 0]}]}]}
      """.write(toFile: bad, atomically: true, encoding: .utf8)
    let r = try CLI.run(["validate", bad, "--chip", "chipdefs/tiny.json"])
    #expect(r.status == 1)
    #expect(r.out.contains("cores[0].neurons.leak[0]: core (0, 0) neuron 0 leak: value 300 is out of range; allowed: -255...255"))
    #expect(r.out.contains("neuron 1 destination: target core (5, 0) is off the 4 x 4 grid"))
    #expect(r.out.contains("neuron 2 destination: delay 0 is out of range; allowed: 1...15"))
    #expect(r.out.contains("3 violations of tiny"))
    let ok = try CLI.run(["validate", "examples/neurons/model.json"])
    #expect(ok.status == 0)
    #expect(ok.out.contains("fits tiny"))
    // run refuses the model with one line naming the file and the first violation.
    let run = try CLI.run(["run", bad, "--ticks", "3", "--chip", "tiny"])
    #expect(run.status == 1)
    #expect(run.err.split(separator: "\n").count == 1)
    #expect(run.err.contains("\(bad):2: cores[0].neurons.leak[0]: core (0, 0) neuron 0 leak: value 300"))
  }

  @Test(arguments: [
    (["run"], "missing MODEL file"),
    (["run", "examples/neurons/model.json"], "--ticks: give --ticks N"),
    (["run", "examples/neurons/model.json", "--ticks", "x"], "--ticks: value 'x' is not an integer"),
    (["run", "examples/neurons/model.json", "--tick", "3"], "--tick: unknown option"),
    (["run", "/no/such.json", "--ticks", "3"], "/no/such.json: no such file"),
    (["run", "examples/neurons/model.json", "--ticks", "3", "--record", "some"], "--record: 'some' is not allowed"),
    (["frobnicate"], "unknown command 'frobnicate'"),
  ])
  func badFlagsGiveOneClearError(args: [String], message: String) throws {
    let r = try CLI.run(args)
    #expect(r.status != 0)
    #expect(r.err.contains(message), "\(r.err)")
  }

  @Test func everyCommandHasHelp() throws {
    let top = try CLI.run(["--help"])
    #expect(top.status == 0)
    for command in ["run", "validate", "info", "generate", "train", "ensemble", "histogram", "deploy", "eval", "sweep", "bench", "convert", "diff"] {
      #expect(top.out.contains("  \(command) "))
      let r = try CLI.run([command, "--help"])
      #expect(r.status == 0)
      #expect(r.out.contains("Usage: tnsim \(command)"))
    }
  }

  @Test func infoRecognisesEveryKindOfFile() throws {
    #expect(try CLI.run(["info", "chipdefs/ns16e.json"]).out.contains("256 x 256 cores (4 x 4 chips of 64 x 64), 65536 cores"))
    #expect(try CLI.run(["info", "examples/neurons/model.json"]).out.contains("1 configured"))
    #expect(try CLI.run(["info", "examples/neurons/input.csv"]).out.contains("spikes        10"))
  }

  @Test func generatedModelsRunAndValidate() throws {
    let m = CLI.temporary("random.json")
    defer { try? FileManager.default.removeItem(atPath: m) }
    #expect(try CLI.run(["generate", "random", "--chip", "tiny", "--seed", "3", "--stochastic", "--output", m]).status == 0)
    #expect(try CLI.run(["validate", m]).status == 0)
    let a = try CLI.run(["run", m, "--ticks", "50", "--record", "all", "--threads", "1", "--output", m + ".1.tnspk"])
    let b = try CLI.run(["run", m, "--ticks", "50", "--record", "all", "--threads", "4", "--output", m + ".4.tnspk"])
    defer { try? FileManager.default.removeItem(atPath: m + ".1.tnspk"); try? FileManager.default.removeItem(atPath: m + ".4.tnspk") }
    #expect(a.status == 0 && b.status == 0)
    #expect(FileManager.default.contents(atPath: m + ".1.tnspk") == FileManager.default.contents(atPath: m + ".4.tnspk"))
    #expect((FileManager.default.contents(atPath: m + ".1.tnspk")?.count ?? 0) > 1000)
  }

  @Test func cycleFidelityGivesTheSameSpikesAndDiffAgrees() throws {
    let m = CLI.temporary("random.json")
    let a = m + ".tick.csv", b = m + ".cycle.csv", c = m + ".other.csv"
    defer { for f in [m, a, b, c] { try? FileManager.default.removeItem(atPath: f) } }
    #expect(try CLI.run(["generate", "random", "--chip", "tiny", "--seed", "5", "--output", m]).status == 0)
    #expect(try CLI.run(["run", m, "--ticks", "40", "--record", "all", "--output", a]).status == 0)
    let cycle = try CLI.run(["run", m, "--ticks", "40", "--record", "all", "--fidelity", "cycle", "--output", b, "--json"])
    #expect(cycle.status == 0, "\(cycle.err)")
    #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
    let same = try CLI.run(["diff", a, b])
    #expect(same.status == 0)
    #expect(same.out.contains("identical"))
    // Drop one spike: diff names its tick, core and neuron and exits 1.
    var lines = try String(contentsOfFile: a, encoding: .utf8).split(separator: "\n").map(String.init)
    let removed = lines.remove(at: 50).split(separator: ",")
    try (lines.joined(separator: "\n") + "\n").write(toFile: c, atomically: true, encoding: .utf8)
    let different = try CLI.run(["diff", a, c])
    #expect(different.status == 1)
    #expect(different.out.contains("first difference: tick \(removed[0]), core \(removed[1]), neuron \(removed[2])"), "\(different.out)")
  }

  @Test func convertToTheIBMFormatAndBackRunsTheSame() throws {
    let m = CLI.temporary("random.json")
    let ibm = m + ".ibm.json", back = m + ".back.json", a = m + ".a.csv", b = m + ".b.csv"
    defer { for f in [m, ibm, back, a, b] { try? FileManager.default.removeItem(atPath: f) } }
    #expect(try CLI.run(["generate", "random", "--chip", "tiny", "--seed", "6", "--output", m]).status == 0)
    let to = try CLI.run(["convert", m, ibm, "--to", "ibm"])
    #expect(to.status == 0, "\(to.err)")
    let from = try CLI.run(["convert", ibm, back, "--chip", "tiny"])
    #expect(from.status == 0, "\(from.err)")
    #expect(try CLI.run(["run", m, "--ticks", "30", "--record", "all", "--output", a]).status == 0)
    #expect(try CLI.run(["run", back, "--ticks", "30", "--record", "all", "--output", b]).status == 0)
    #expect(try CLI.run(["diff", a, b]).status == 0)
  }

  @Test func trainDeployEvalAndSweepOnASmallSubset() throws {
    let dir = CLI.temporary("tea")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // The softmax loss learns fastest from 2,000 images: enough for the pipeline to classify well.
    let train = try CLI.run(["train", "--topology", "mnist-5core", "--epochs", "1", "--train-limit", "2000", "--validation", "200", "--loss", "softmax",
                             "--output", dir + "/net.json", "--json"])
    #expect(train.status == 0, "\(train.err)")
    let deploy = try CLI.run(["deploy", dir + "/net.json", "--copies", "2", "--output", dir + "/model.json"])
    #expect(deploy.status == 0, "\(deploy.err)")
    #expect(try CLI.run(["validate", dir + "/model.json"]).status == 0)
    let eval = try CLI.run(["eval", dir + "/net.json", "--copies", "2", "--spf", "2", "--images", "200", "--json"])
    #expect(eval.status == 0, "\(eval.err)")
    let object = try JSONSerialization.jsonObject(with: Data(eval.out.utf8)) as? [String: Any]
    #expect(object?["cores"] as? Int == 10)
    // Far above chance (0.1): 0.44 to 0.51 measured with seeds 1 to 3, inputs independent or shared.
    #expect((object?["accuracy"] as? Double ?? 0) > 0.3)
    #expect(object?["predictedAccuracy"] is Double)
    // Without the prediction: the same chip figures, no predicted accuracy.
    let quick = try CLI.run(["eval", dir + "/net.json", "--copies", "2", "--spf", "2", "--images", "200", "--json", "--no-predict"])
    let quickObject = try JSONSerialization.jsonObject(with: Data(quick.out.utf8)) as? [String: Any]
    #expect(quick.status == 0 && quickObject?["correct"] as? Int == object?["correct"] as? Int, "\(quick.err)")
    #expect(quickObject?["spikesPerImage"] as? Double == object?["spikesPerImage"] as? Double)
    #expect(quickObject?["predictedAccuracy"] == nil || quickObject?["predictedAccuracy"] is NSNull)
    // --seeds: each seed's figures are what --seed gives alone (seed 1: the run above), and the
    // spread is theirs.
    let spread = try CLI.run(["eval", dir + "/net.json", "--copies", "2", "--spf", "2", "--images", "200", "--json", "--no-predict", "--seeds", "1,3-4"])
    #expect(spread.status == 0, "\(spread.err)")
    let spreadObject = try JSONSerialization.jsonObject(with: Data(spread.out.utf8)) as? [String: Any]
    let runs = spreadObject?["seeds"] as? [[String: Any]] ?? []
    #expect(runs.map { $0["seed"] as? Int } == [1, 3, 4])
    var counts: [Int] = []
    for (seed, run) in zip([1, 3, 4], runs) {
      let alone = try CLI.run(["eval", dir + "/net.json", "--copies", "2", "--spf", "2", "--images", "200", "--json", "--no-predict", "--seed", "\(seed)"])
      let aloneObject = try JSONSerialization.jsonObject(with: Data(alone.out.utf8)) as? [String: Any]
      #expect(run["correct"] as? Int == aloneObject?["correct"] as? Int, "seed \(seed)")
      #expect(run["energyPerImageMicrojoules"] as? Double == aloneObject?["energyPerImageMicrojoules"] as? Double, "seed \(seed)")
      counts.append(run["correct"] as? Int ?? -1)
    }
    #expect(counts[0] == quickObject?["correct"] as? Int)
    #expect(abs((spreadObject?["meanAccuracy"] as? Double ?? 0) - Double(counts.reduce(0, +)) / 600) < 1e-6)
    #expect(spreadObject?["minAccuracy"] as? Double == Double(counts.min()!) / 200)
    let text = try CLI.run(["eval", dir + "/net.json", "--copies", "2", "--spf", "2", "--images", "200", "--no-predict", "--seeds", "1,3-4"])
    #expect(text.out.hasPrefix("seed 1 ") && text.out.contains("mean of 3 seeds"), "\(text.out)")
    for (bad, message) in [(["--seeds", "4-3"], "'4-3' is not a seed or a range"), (["--seeds", "1-2", "--seed", "1"], "give --seed or --seeds"),
                           (["--seeds", "1-2", "--predictions", dir + "/p.csv"], "--predictions: writes one seed's classes")] {
      let refused = try CLI.run(["eval", dir + "/net.json", "--images", "10"] + bad)
      #expect(refused.status != 0 && refused.err.contains(message), "\(refused.err)")
    }
    // The network compressed by gzip is read as it is: the same figures, and info knows it.
    #expect(try CLI.run(executable: "/usr/bin/env", ["gzip", "-k", dir + "/net.json"]).status == 0)
    let gz = try CLI.run(["eval", dir + "/net.json.gz", "--copies", "2", "--spf", "2", "--images", "200", "--json", "--no-predict"])
    #expect(gz.status == 0 && gz.out.replacing(/"wallSeconds": [0-9.]+/, with: "") == quick.out.replacing(/"wallSeconds": [0-9.]+/, with: ""), "\(gz.err)")
    #expect(try CLI.run(["info", dir + "/net.json.gz"]).out.hasPrefix("trained network  mnist-5core"))
    let sweep = try CLI.run(["sweep", dir + "/net.json", "--copies", "1,2", "--spf", "1", "--images", "100", "--output", dir + "/sweep"])
    #expect(sweep.status == 0, "\(sweep.err)")
    #expect(sweep.out.contains("| 2 | 1 | 10 | truenorth |"))
    // Without the prediction: the same chip figures, the predicted column empty.
    let bare = try CLI.run(["sweep", dir + "/net.json", "--copies", "1,2", "--spf", "1", "--images", "100", "--no-predict", "--output", dir + "/bare"])
    #expect(bare.status == 0, "\(bare.err)")
    let csv = { (d: String) in (try? String(contentsOfFile: dir + "/" + d + "/sweep.csv", encoding: .utf8))?.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) } ?? [] }
    let (full, quickRows) = (csv("sweep"), csv("bare"))
    let predictedColumn = full.first?.firstIndex(of: "predictedAccuracy") ?? 0
    let wallColumn = full.first?.firstIndex(of: "wallSeconds") ?? 0
    #expect(full.count == 3 && quickRows.count == 3 && predictedColumn > 0 && wallColumn > predictedColumn)
    // Rows are appended as points finish: compare them in (copies, spf) order.
    func ordered(_ rows: [[Substring]]) -> [[Substring]] { rows.dropFirst().sorted { $0.prefix(2).joined(separator: ",") < $1.prefix(2).joined(separator: ",") } }
    for (a, b) in zip(ordered(full), ordered(quickRows)) {
      #expect(!a[predictedColumn].isEmpty && b[predictedColumn].isEmpty)
      var (a2, b2) = (a, b)
      for column in [wallColumn, predictedColumn] {
        a2.remove(at: column)
        b2.remove(at: column)
      }
      #expect(a2 == b2)
    }
    #expect(FileManager.default.fileExists(atPath: dir + "/sweep/accuracy-vs-copies.svg"))
    #expect(FileManager.default.fileExists(atPath: dir + "/sweep/pareto.md") && FileManager.default.fileExists(atPath: dir + "/sweep/pareto-energy.svg"))
    // Several networks: one sweep folder each (a repeated name numbered, net.json.gz named net),
    // one frontier over all.
    try FileManager.default.createDirectory(atPath: dir + "/b", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: dir + "/net.json", toPath: dir + "/b/net.json")
    let both = try CLI.run(["sweep", dir + "/net.json", dir + "/net.json.gz", "--copies", "1", "--spf", "1,2", "--images", "50", "--output", dir + "/front"])
    #expect(both.status == 0, "\(both.err)")
    #expect(both.out.contains("## net\n") && both.out.contains("## net-2\n") && both.out.contains("## Pareto front"))
    for f in ["net/sweep.csv", "net-2/sweep.csv", "pareto.md", "pareto-cores.svg", "pareto-ticks.svg", "pareto-energy.svg"] {
      #expect(FileManager.default.fileExists(atPath: dir + "/front/" + f), "\(f)")
    }
    // Networks side by side as one: deploy and eval take the ensemble like any network. The 5-core
    // network's 256 class neurons are not a multiple of 10, so it cannot have a member after it.
    let odd = try CLI.run(["ensemble", dir + "/net.json", dir + "/b/net.json", "--output", dir + "/e.json", "--no-test"])
    #expect(odd.status == 1 && odd.err.contains("net.json: readout: has 256 class neurons, not a multiple of the 10 classes"), "\(odd.err)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/e.json"))
    let train21 = try CLI.run(["train", "--topology", "mnist-21core", "--epochs", "1", "--train-limit", "1000", "--validation", "100", "--loss", "softmax",
                               "--output", dir + "/net21.json", "--json"])
    #expect(train21.status == 0, "\(train21.err)")
    let ensemble = try CLI.run(["ensemble", dir + "/net21.json", dir + "/net21.json", "--output", dir + "/e.json", "--no-test"])
    #expect(ensemble.status == 0 && ensemble.out.contains("mnist-21core+mnist-21core: 32 + 8 + 2 = 42 cores, 500 class neurons"), "\(ensemble.err)")
    let evalE = try CLI.run(["eval", dir + "/e.json", "--copies", "1", "--spf", "1", "--images", "100", "--json"])
    #expect(evalE.status == 0, "\(evalE.err)")
    let objectE = try JSONSerialization.jsonObject(with: Data(evalE.out.utf8)) as? [String: Any]
    #expect(objectE?["cores"] as? Int == 42)
    #expect(try CLI.run(["ensemble", dir + "/net.json", "--output", dir + "/e1.json"]).status == 1)
    // info reads what train and sweep wrote: the network file (its format tag lies past the first
    // kilobytes, after the sorted "cores") and the plain sweep CSV with its settings beside it.
    let netInfo = try CLI.run(["info", dir + "/net.json"])
    #expect(netInfo.status == 0 && netInfo.out.hasPrefix("trained network  mnist-5core (tnsim-tea-network, version 1)"), "\(netInfo.err)")
    let sweepInfo = try CLI.run(["info", dir + "/sweep/sweep.csv"])
    #expect(sweepInfo.status == 0 && sweepInfo.out.hasPrefix("sweep CSV        2 points\n  settings      network="), "\(sweepInfo.err)")
  }

  @Test func trainWithPluginsFineTuneAndDeployPacked() throws {
    let dir = CLI.temporary("plugins")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let bad = try CLI.run(["train", "--plugin", "ssl:lambda=1,grups=axons", "--output", dir + "/x.json"])
    #expect(bad.status != 0 && bad.err.contains("--plugin: ssl.grups: is not a setting of ssl"), "\(bad.err)")
    let common = ["--topology", "mnist-5core", "--epochs", "1", "--train-limit", "2000", "--validation", "200", "--loss", "softmax"]
    // A strong first-layer Lasso on axon rows: the border pixels' rows go first.
    let ssl = try CLI.run(["train"] + common + ["--plugin", "probreg:lambda=1e-5", "--plugin", "ssl:lambda=0.05,groups=axons,layers=1/0", "--lr", "0.05", "--schedule", "constant", "--output", dir + "/ssl.json"])
    #expect(ssl.status == 0, "\(ssl.err)")
    #expect(ssl.out.contains("layer 0: removed "), "\(ssl.out)")
    let fine = try CLI.run(["train"] + common + ["--init", dir + "/ssl.json", "--plugin", "ssl:lambda=0,groups=axons,finetune=1", "--lr", "0.0005", "--output", dir + "/ft.json"])
    #expect(fine.status == 0, "\(fine.err)")
    let deploy = try CLI.run(["deploy", dir + "/ft.json", "--copies", "1", "--output", dir + "/model.json"])
    #expect(deploy.status == 0, "\(deploy.err)")
    // The removed axons and neurons leave room to pack 5 cores into 4.
    #expect(deploy.out.split(separator: "\n").contains(
      "cores per copy: 5 -> 4 after packing (axons x neurons per chip core: 254x57, 114x26, 157x29, 112x256)"), "\(deploy.out)")
    #expect(try CLI.run(["validate", dir + "/model.json"]).status == 0)
    // The SSL run's structure on a fresh network, deployed scaled: the same rows removed, as many cores.
    let st = try CLI.run(["train"] + common + ["--plugin", "ssl:lambda=0,groups=axons,structure=" + dir + "/ssl.json", "--output", dir + "/st.json"])
    #expect(st.status == 0, "\(st.err)")
    // Training is deterministic in the seed: whole lines. The structure keeps the SSL run's 499
    // removed axons; its neurons stay (the structure removes axon rows only).
    #expect(ssl.out.split(separator: "\n").contains("layer 0: removed 499/1024 axons, 219/256 neurons, 0/4 cores; 64385/65536 connections zero"),
      "\(ssl.out)")
    #expect(st.out.split(separator: "\n").contains("layer 0: removed 499/1024 axons, 0/256 neurons, 0/4 cores; 32417/65536 connections zero"),
      "\(st.out)")
    let scaled = try CLI.run(["deploy", dir + "/st.json", "--copies", "1", "--scale", "8", "--output", dir + "/scaled.json"])
    #expect(scaled.status == 0, "\(scaled.err)")
    // As many cores as the fine-tuned network, each neuron deployed up to 8 times larger.
    #expect(scaled.out.split(separator: "\n").contains(
      "cores per copy: 5 -> 4 after packing (axons x neurons per chip core: 254x128, 114x64, 157x64, 256x256)"), "\(scaled.out)")
    #expect(try CLI.run(["deploy", dir + "/st.json", "--scale", "0", "--output", dir + "/x.json"]).err.contains("--scale"))
    let h = try CLI.run(["histogram", dir + "/ssl.json", dir + "/ft.json", "--bins", "10", "--output", dir + "/c.svg"])
    #expect(h.status == 0 && h.out.contains("| [0.00, 0.10) |"), "\(h.out)\(h.err)")
    #expect(try String(contentsOfFile: dir + "/c.svg", encoding: .utf8).contains("<svg"))
  }

  /// Far more than a pipe holds on standard error, and some standard output: the run returns both whole.
  @Test(.timeLimit(.minutes(1))) func aChildWritingMuchToStandardErrorDoesNotBlock() throws {
    let r = try CLI.run(executable: "/bin/sh", ["-c", "head -c 300000 /dev/zero | tr '\\0' e >&2; echo done"])
    #expect(r.status == 0)
    #expect(r.out == "done\n")
    #expect(r.err.utf8.count == 300_000 && r.err.allSatisfy { $0 == "e" })
  }

  @Test func benchRunsAWorkloadAndReportsItsFigures() throws {
    let r = try CLI.run(["bench", "mnist-stream", "--threads", "1", "--ticks", "200", "--json"])
    #expect(r.status == 0, "\(r.err)")
    let object = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
    #expect(object?["name"] as? String == "mnist-stream")
    #expect(object?["frames"] as? Int == 200)
    #expect(object?["cores"] as? Int == 5)
    #expect((object?["synapticEvents"] as? Int ?? 0) > 0)
    #expect((object?["peakResidentBytes"] as? Int ?? 0) > 0)
    let bad = try CLI.run(["bench", "no-such"])
    #expect(bad.status == 1)
    #expect(bad.err.contains("no such benchmark"))
  }

  /// `train` warns before training when the topology cannot be deployed (an output read by two cores).
  @Test func trainWarnsOfATopologyThatCannotDeploy() throws {
    let topology = CLI.temporary("overlap-topology.json"), net = CLI.temporary("overlap-net.json")
    defer { for p in [topology, net, net + ".checkpoint"] { try? FileManager.default.removeItem(atPath: p) } }
    try """
      {"format": "tnsim-topology", "version": 1, "name": "overlap", "input": {"rows": 28, "columns": 28}, "classes": 10,
       "layers": [{"cores": [{"patch": {"row": 0, "column": 0, "height": 16, "width": 16}, "neurons": 64}]},
                  {"cores": [{"range": {"start": 0, "count": 40}, "neurons": 10}, {"range": {"start": 30, "count": 34}, "neurons": 10}]}]}
      """.write(toFile: topology, atomically: true, encoding: .utf8)
    let r = try CLI.run(["train", "--topology", topology, "--epochs", "1", "--train-limit", "200", "--validation", "100", "--output", net])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.err.contains("train: warning: overlap trains, but deploy, eval and sweep will refuse it: output 30 of layer 0"), "\(r.err)")
    let clean = try CLI.run(["train", "--topology", "mnist-5core", "--epochs", "1", "--train-limit", "200", "--validation", "100", "--output", net])
    #expect(clean.status == 0 && !clean.err.contains("warning"), "\(clean.err)")
  }

  /// `--teacher` distils a shipped network into a run; its settings alone are refused.
  @Test func trainDistilsATeacher() throws {
    let net = CLI.temporary("distilled-net.json")
    defer { for p in [net, net + ".checkpoint"] { try? FileManager.default.removeItem(atPath: p) } }
    let lone = try CLI.run(["train", "--teacher-temperature", "2", "--output", net])
    #expect(lone.status != 0 && lone.err.contains("--teacher-temperature: needs --teacher NET.json"), "\(lone.err)")
    let teacher = CLI.root + "/examples/networks/mnist-21core-aug.json"
    let r = try CLI.run([
      "train", "--topology", "mnist-5core", "--epochs", "1", "--train-limit", "1000", "--validation", "100", "--teacher", teacher, "--teacher-weight",
      "0.7", "--output", net,
    ])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.err.contains("distilling \(teacher) (weight 0.7, temperature 1.0)"), "\(r.err)")
    let written = try String(contentsOfFile: net, encoding: .utf8)
    #expect(written.contains("\"distill\""), "the options in the file name the teacher")
  }
}
