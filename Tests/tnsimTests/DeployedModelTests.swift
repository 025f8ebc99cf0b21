import Foundation
import Testing

/// The classes a manifest's readout gives for recorded pin spikes (CSV), computed here from the
/// documented format (docs/deployed-format.md) independently of the library.
func classesFromPins(manifest: String, pins: String, frames: Int, spf: Int) throws -> [Int] {
  let m = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifest))) as! [String: Any]
  let readout = m["readout"] as! [String: Any]
  let classes = readout["classes"] as! Int
  let depth = readout["pipelineDepth"] as! Int
  let perClass = readout["neuronsPerClass"] as! [Int]
  let mean = readout["score"] as! String == "mean"
  var pinClass: [Int: Int] = [:]
  for copy in readout["copies"] as! [[String: Any]] {
    for (pin, c) in zip(copy["pins"] as! [Int], copy["classes"] as! [Int]) { pinClass[pin] = c }
  }
  var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: frames)
  for line in try String(contentsOfFile: pins, encoding: .utf8).split(separator: "\n").dropFirst() {
    let f = line.split(separator: ",").map { Int($0)! }  // tick,core,neuron,pin
    let t = f[0] - depth
    guard f[3] >= 0, t >= 0, t / spf < frames else { continue }
    counts[t / spf][pinClass[f[3]]!] += 1
  }
  // A class's score is its count times 1 / neurons (mean) or 1 (sum); the first highest wins.
  return counts.map { c in
    let score = c.indices.map { Double(c[$0]) * (mean ? 1 / Double(max(perClass[$0], 1)) : 1) }
    var best = 0
    for k in 1..<classes where score[k] > score[best] { best = k }
    return best
  }
}

@Suite struct DeployedModelTests {
  @Test func deployedModelsEvaluateEncodeAndRunLikeTheNetwork() throws {
    let dir = CLI.temporary("deployed")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let train = try CLI.run(["train", "--topology", "mnist-5core", "--epochs", "1", "--train-limit", "1000", "--validation", "100", "--output", dir + "/net.json"])
    #expect(train.status == 0, "\(train.err)")
    let deploy = try CLI.run(["deploy", dir + "/net.json", "--copies", "2", "--seed", "3", "--output", dir + "/model.json"])
    #expect(deploy.status == 0, "\(deploy.err)")
    #expect(deploy.out.contains("wrote \(dir)/model.manifest.json: readout of 512 pins, "), "\(deploy.out)")
    // The deployed model gives every figure of the network deployed with the same settings.
    let fromNet = try CLI.run(["eval", dir + "/net.json", "--copies", "2", "--seed", "3", "--spf", "2", "--images", "150", "--json"])
    let fromModel = try CLI.run(["eval", dir + "/model.json", "--spf", "2", "--images", "150", "--json", "--predictions", dir + "/predicted.csv"])
    #expect(fromNet.status == 0 && fromModel.status == 0, "\(fromNet.err)\(fromModel.err)")
    func figures(_ json: String) throws -> [String: String] {
      let o = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
      return o.filter { $0.key != "wallSeconds" }.mapValues { "\($0)" }
    }
    #expect(try figures(fromNet.out) == figures(fromModel.out))
    #expect(try figures(fromModel.out)["images"] == "150")
    let predicted = try String(contentsOfFile: dir + "/predicted.csv", encoding: .utf8).split(separator: "\n").dropFirst()
      .map { Int($0.split(separator: ",")[2])! }
    #expect(predicted.count == 150)
    // encode + run + the manifest's readout give eval's classes, image for image, in both spike formats.
    for input in ["in.csv", "in.tnspk"] {
      let encode = try CLI.run(["encode", dir + "/model.manifest.json", "--spf", "2", "--images", "150", "--output", dir + "/" + input])
      #expect(encode.status == 0 && encode.out.contains("150 frames x 2 spf from tick 0 (seed 3)") && encode.out.contains("--ticks 301"), "\(encode.out)\(encode.err)")
      let run = try CLI.run(["run", dir + "/model.json", "--input", dir + "/" + input, "--output", dir + "/pins.csv"])
      #expect(run.status == 0, "\(run.err)")
      #expect(try classesFromPins(manifest: dir + "/model.manifest.json", pins: dir + "/pins.csv", frames: 150, spf: 2) == predicted)
    }
    // Another seed encodes other spikes: the comparison above can fail.
    _ = try CLI.run(["encode", dir + "/model.json", "--spf", "2", "--images", "150", "--seed", "4", "--output", dir + "/other.csv"])
    _ = try CLI.run(["run", dir + "/model.json", "--input", dir + "/other.csv", "--output", dir + "/pins.csv"])
    #expect(try classesFromPins(manifest: dir + "/model.manifest.json", pins: dir + "/pins.csv", frames: 150, spf: 2) != predicted)
    // --first starts later in the test set; eval and encode agree there too.
    let later = try CLI.run(["eval", dir + "/model.json", "--spf", "1", "--first", "9990", "--images", "10", "--predictions", dir + "/later.csv"])
    #expect(later.status == 0 && later.out.contains(" of 10 images), predicted "), "\(later.out)\(later.err)")
    let laterLines = try String(contentsOfFile: dir + "/later.csv", encoding: .utf8).split(separator: "\n").dropFirst()
    let laterImages: [String] = laterLines.map { String($0.split(separator: ",")[0]) }
    #expect(laterImages == (9990..<10000).map { String($0) })
    // Settings a deployed model fixes are refused, naming the flag.
    let copies = try CLI.run(["eval", dir + "/model.json", "--copies", "4"])
    #expect(copies.status == 1 && copies.err.contains("--copies: the deployed model has 2 copies"), "\(copies.err)")
    let leak = try CLI.run(["eval", dir + "/model.json", "--leak", "round"])
    #expect(leak.status == 1 && leak.err.contains("--leak: is fixed by the deployed model"), "\(leak.err)")
    let inputs = try CLI.run(["eval", dir + "/model.json", "--inputs", "shared"])
    #expect(inputs.status == 1 && inputs.err.contains("--inputs: is fixed by the deployed model"), "\(inputs.err)")
    let badInputs = try CLI.run(["deploy", dir + "/net.json", "--inputs", "both", "--output", dir + "/other.json"])
    #expect(badInputs.status == 1 && badInputs.err.contains("--inputs: 'both' is not allowed; use independent, shared or stratified"), "\(badInputs.err)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/other.json"))
    // Without the network the model still classifies, with no prediction.
    try FileManager.default.removeItem(atPath: dir + "/net.json")
    let alone = try CLI.run(["eval", dir + "/model.json", "--spf", "2", "--images", "150", "--json"])
    #expect(alone.status == 0, "\(alone.err)")
    let object = try JSONSerialization.jsonObject(with: Data(alone.out.utf8)) as? [String: Any]
    #expect(object?["predictedAccuracy"] is NSNull)
    #expect("\(object?["correct"] ?? "")" == (try figures(fromModel.out))["correct"])
  }

  @Test(arguments: [
    (["encode"], "missing MANIFEST"),
    (["encode", "/no/such.manifest.json", "--output", "x.csv"], "/no/such.manifest.json: no such file"),
    (["encode", "examples/neurons/model.json", "--output", "x.csv"], "examples/neurons/model.manifest.json: no such file"),
    (["encode", "chipdefs/tiny.json", "--spf", "0", "--output", "x.csv"], "--spf: value '0' is not an integer in 1...1000000"),
    (["eval", "x.json", "--first", "10000"], "--first: value 10000 is past the last of the 10000 test images"),
  ])
  func encodeAndEvalRefuseBadInputWithOneLine(args: [String], message: String) throws {
    let r = try CLI.run(args)
    #expect(r.status != 0)
    #expect(r.err.contains(message), "\(r.err)")
    #expect(r.err.split(separator: "\n").count == 1, "\(r.err)")
  }

  @Test func encodeIsListedWithItsHelp() throws {
    #expect(try CLI.run(["--help"]).out.contains("  encode    Write MNIST test images as input spikes"))
    let help = try CLI.run(["encode", "--help"])
    #expect(help.status == 0 && help.out.contains("Usage: tnsim encode MANIFEST --spf S --output SPIKES"))
  }
}
