import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// One reader under test: its seed files and how to read a file of its format with the
/// library's API, the way tnsim reads it.
struct FuzzTarget {
  /// The name of the format (`make fuzz FORMATS=...`).
  var name: String
  /// The extension the case's file gets (some readers detect by it).
  var fileExtension: String
  /// Valid files of the format to mutate.
  var seeds: [[UInt8]]
  /// Reads the file at the path, throwing what the reader throws.
  var read: (String) throws -> Void
  /// Another file whose name an error may carry instead: the RANC `input.json` read with a
  /// mutated `config.json` (its ranges come from the config).
  var companion: String? = nil
  /// Recompute a trailing SHA-256 on half the cases (checkpoints), so that mutations reach the
  /// fields behind the digest.
  var fixDigest = false
}

enum FuzzTargets {
  /// Every reader of a file tnsim takes, with seeds from the repository at `root`.
  static func all(root: String) throws -> [FuzzTarget] {
    func file(_ p: String) throws -> [UInt8] {
      guard let d = FileManager.default.contents(atPath: root + "/" + p) else { throw FuzzSetupError(message: "\(root)/\(p): missing seed file") }
      return [UInt8](d)
    }
    let tiny = try ChipDefinition.load(path: root + "/chipdefs/tiny.json")
    let truenorth = try ChipDefinition.load(path: root + "/chipdefs/truenorth.json")
    let rancConfig = root + "/examples/interop/ranc/config.json"
    let rancInput = root + "/examples/interop/ranc/input.json"
    let outputCSV = Array("tick,core,neuron,pin\n0,0,0,0\n1,0,1,1\n1,0,5,-1\n3,2,255,7\n".utf8)
    let net = try smallNetworkFile()
    func drain<S: SpikeSource>(_ s: S) throws {
      var s = s
      while try s.next() != nil {}
    }
    let targets = [
      FuzzTarget(name: "model", fileExtension: "json", seeds: [try file("examples/neurons/model.json")]) { p in
        _ = try Model.load(path: p, chip: tiny)
      },
      FuzzTarget(name: "chipdef", fileExtension: "json", seeds: [try file("chipdefs/tiny.json"), try file("chipdefs/ns16e.json")]) { p in
        _ = CycleModel(chip: try ChipDefinition.load(path: p))
      },
      FuzzTarget(name: "spike-csv", fileExtension: "csv", seeds: [try file("examples/neurons/input.csv"), outputCSV]) { p in
        if let d = FileManager.default.contents(atPath: p), d.starts(with: Array("tick,core,neuron".utf8)) {
          try drain(try SpikeFormat.openOutput(p))
        } else {
          try drain(try SpikeFormat.openInput(p))
        }
      },
      FuzzTarget(name: "tnspk", fileExtension: "tnspk", seeds: try tnspkSeeds(root: root)) { p in
        try drain(try SpikeFormat.openInput(p))
      },
      FuzzTarget(name: "ibm-model", fileExtension: "json", seeds: [try file("examples/interop/ibm/model.json")]) { p in
        _ = try IBMModelFile.load(path: p, chip: truenorth)
      },
      FuzzTarget(name: "sfti", fileExtension: "sfti", seeds: [try file("examples/interop/ibm/input.sfti")]) { p in
        try drain(try IBMSpikeFile.readInput(path: p))
        try drain(try SpikeFormat.openInput(p))
      },
      FuzzTarget(name: "sfri", fileExtension: "sfri", seeds: [try file("examples/interop/ibm/input.sfri")]) { p in
        try drain(try IBMSpikeFile.readInput(path: p))
        try drain(try SpikeFormat.openInput(p))
      },
      FuzzTarget(name: "sfro", fileExtension: "sfro", seeds: [try file("examples/interop/ibm/output.sfro")]) { p in
        try drain(try IBMSpikeFile.readOutput(path: p))
        try drain(try SpikeFormat.openOutput(p))
      },
      FuzzTarget(name: "ranc-input", fileExtension: "json", seeds: [try file("examples/interop/ranc/input.json")]) { p in
        _ = try RANCModelFiles.load(input: p, config: rancConfig, chip: tiny)
      },
      FuzzTarget(name: "ranc-config", fileExtension: "json", seeds: [try file("examples/interop/ranc/config.json")], read: { p in
        _ = try RANCModelFiles.load(input: rancInput, config: p, chip: tiny)
      }, companion: rancInput),
      FuzzTarget(name: "ranc-output", fileExtension: "txt", seeds: [try file("examples/interop/ranc/output.txt")]) { p in
        try drain(try RANCOutputFile.read(path: p))
        try drain(try SpikeFormat.openOutput(p))
      },
      FuzzTarget(name: "network", fileExtension: "json", seeds: [net, try docsNetwork(root: root)]) { p in
        _ = try TrainedNetwork.read(from: p)
      },
      FuzzTarget(name: "network-gz", fileExtension: "gz", seeds: [try gzip(net, level: 9), try gzip(try docsNetwork(root: root), level: 1)]) { p in
        _ = try TrainedNetwork.read(from: p)
      },
      FuzzTarget(name: "topology", fileExtension: "json", seeds: Topology.builtinFiles.map { Array($0.json.utf8) }) { p in
        _ = try Topology.resolve(p)
      },
      FuzzTarget(name: "checkpoint", fileExtension: "checkpoint", seeds: [try smallCheckpoint()], read: { p in
        _ = try Checkpoint.read(from: p)
      }, fixDigest: true),
      // Not a format: a reader that traps on files of odd length, run only when named, so that
      // a test can see the supervisor name the case that killed its worker.
      FuzzTarget(name: "self-test-trap", fileExtension: "bin", seeds: [Array("ab".utf8)]) { p in
        let n = FileManager.default.contents(atPath: p)?.count ?? 0
        precondition(n % 2 == 0, "self-test trap")
        throw FuzzSetupError(message: p + ": self-test error")
      },
    ]
    // The corpus of reproducers (Tests/Corpus) seeds its formats too.
    return targets.map { t in
      var t = t
      t.seeds += Corpus.seeds(root: root, format: t.name)
      return t
    }
  }

  /// A small network file: the seeds of the network and checkpoint formats.
  static func smallShadowNetwork() -> ShadowNetwork {
    let t = Topology(
      name: "fuzz", inputRows: 4, inputColumns: 4, classes: 2,
      layers: [[Topology.Core(inputs: Array(0..<16), neurons: 6), Topology.Core(inputs: [0, 5, 10, 15], neurons: 3)], [Topology.Core(inputs: Array(0..<9), neurons: 4)]])
    return ShadowNetwork(topology: t, style: .pytruenorth, seed: 7)
  }

  static func smallNetworkFile() throws -> [UInt8] {
    try TrainedNetwork(network: smallShadowNetwork(), score: .mean, training: nil).encoded()
  }

  static func smallCheckpoint() throws -> [UInt8] {
    let n = smallShadowNetwork()
    return try Checkpoint(
      options: TrainingOptions(), network: n, optimizer: Optimizer(kind: .adam, momentum: 0.9, network: n), epochsDone: 1, history: [],
      elapsedSeconds: 1
    ).encoded()
  }

  /// `bytes` compressed by the system's `gzip` at `level`: the seeds of compressed network files.
  static func gzip(_ bytes: [UInt8], level: Int) throws -> [UInt8] {
    let path = NSTemporaryDirectory() + "tnsim-fuzz-seed-\(getpid())-\(level)"
    defer { unlink(path); unlink(path + ".gz") }
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw FuzzSetupError(message: "\(path): cannot write a seed") }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["gzip", "-\(level)", "-n", path]
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0, let d = FileManager.default.contents(atPath: path + ".gz") else {
      throw FuzzSetupError(message: "gzip -\(level) \(path) failed: the network-gz seeds need gzip on the PATH")
    }
    return [UInt8](d)
  }

  /// The example of docs/network-format.md.
  static func docsNetwork(root: String) throws -> [UInt8] {
    let text = try String(contentsOfFile: root + "/docs/network-format.md", encoding: .utf8)
    guard let block = text.components(separatedBy: "```json\n").dropFirst().first?.components(separatedBy: "```").first else {
      throw FuzzSetupError(message: "docs/network-format.md: no JSON example")
    }
    return Array(block.utf8)
  }

  /// The neuron example's input spikes as `.tnspk`.
  static func tnspkSeeds(root: String) throws -> [[UInt8]] {
    let out = NSTemporaryDirectory() + "tnsim-fuzz-seed-\(getpid()).tnspk"
    defer { unlink(out) }
    var source = try SpikeFormat.openInput(root + "/examples/neurons/input.csv")
    let sink = try SpikeFormat.createInput(out)
    while let r = try source.nextRecord() { try sink.write(r) }
    try sink.close()
    guard let d = FileManager.default.contents(atPath: out) else { throw FuzzSetupError(message: "\(out): cannot read the seed back") }
    return [[UInt8](d)]
  }
}

struct FuzzSetupError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
