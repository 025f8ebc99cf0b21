import Foundation

/// How and how well a network was trained (the `training` object of the network file).
public struct TrainingMetadata: Sendable, Equatable, Codable {
  /// The options of the run (topology, epochs, batch, learning rate, optimiser, loss, seed, ...).
  public var options: TrainingOptions
  /// Epochs completed.
  public var epochs: Int
  /// Training and validation images used.
  public var trainImages: Int
  /// Validation images held out.
  public var validationImages: Int
  /// Accuracy on the validation images after the last epoch (nil without validation).
  public var validationAccuracy: Double?
  /// Shadow-network accuracy on the test set (all 10,000 MNIST test images).
  public var testAccuracy: Double?
  /// Test images evaluated.
  public var testImages: Int
  /// Training wall time in seconds.
  public var trainingSeconds: Double
  /// One record per epoch.
  public var history: [EpochRecord]

  /// Creates metadata from its parts.
  public init(options: TrainingOptions, epochs: Int, trainImages: Int, validationImages: Int, validationAccuracy: Double?,
    testAccuracy: Double?, testImages: Int, trainingSeconds: Double, history: [EpochRecord])
  {
    self.options = options
    self.epochs = epochs
    self.trainImages = trainImages
    self.validationImages = validationImages
    self.validationAccuracy = validationAccuracy
    self.testAccuracy = testAccuracy
    self.testImages = testImages
    self.trainingSeconds = trainingSeconds
    self.history = history
  }
}

/// A trained network as stored in a network file (docs/network-format.md): the shadow network,
/// its readout and how it was trained. This is what the deployer reads.
public struct TrainedNetwork: Sendable, Equatable {
  /// The topology and every core's axon types, weight tables, connection probabilities and leaks.
  public var network: ShadowNetwork
  /// How the readout ranks classes (sum or mean of each class's output neurons).
  public var score: ClassScore
  /// How it was trained (nil for hand-made networks).
  public var training: TrainingMetadata?

  /// Creates a trained network from its parts.
  public init(network: ShadowNetwork, score: ClassScore, training: TrainingMetadata?) {
    self.network = network
    self.score = score
    self.training = training
  }

  /// The format tag of network files.
  public static let format = "tnsim-tea-network"

  /// Whether a file that starts with `head` is a network file: its format tag, or the start that
  /// the writer's sorted keys give (`"cores"` first, each core's `"axonTypes"` first), which puts
  /// the tag past the first kilobytes.
  public static func isNetworkFile(head: String) -> Bool {
    head.contains("\"\(format)\"") || head.drop(while: { $0.isWhitespace }).hasPrefix("{\"cores\":[{\"axonTypes\":")
  }
  /// The version written and read.
  public static let version = 1

  struct File: Codable {
    struct Core: Codable {
      var layer: Int
      var index: Int
      var inputs: [Int]
      var neurons: Int
      var axonTypes: [Int]
      var weights: [[Int]]
      var connections: [Float]
      var leaks: [Float]
    }
    struct Readout: Codable {
      var classes: Int
      var rule: String
      var score: ClassScore
      var neuronsPerClass: [Int]
    }
    typealias Input = Topology.File.Input
    var format: String
    var version: Int
    var name: String
    var input: Input
    var layers: [Int]
    var cores: [Core]
    var readout: Readout
    var training: TrainingMetadata?
  }

  /// The file's JSON text: compact, keys sorted, every number in its shortest form that reads
  /// back exactly.
  /// - Throws: `InputError` when a value cannot be written (an infinite or NaN parameter).
  public func encoded() throws(InputError) -> [UInt8] {
    let t = network.topology
    var cores: [File.Core] = []
    var k = 0
    for (l, layer) in t.layers.enumerated() {
      for (i, shape) in layer.enumerated() {
        let p = network.cores[k]
        cores.append(
          File.Core(
            layer: l, index: i, inputs: shape.inputs, neurons: shape.neurons, axonTypes: p.axonTypes.map(Int.init),
            weights: (0..<p.neurons).map { n in (0..<4).map { Int(p.weights[n * 4 + $0]) } }, connections: p.connections, leaks: p.leaks))
        k += 1
      }
    }
    let f = File(
      format: Self.format, version: Self.version, name: t.name, input: File.Input(rows: t.inputRows, columns: t.inputColumns),
      layers: t.layers.map(\.count), cores: cores,
      readout: File.Readout(classes: t.classes, rule: "output j votes for class j % classes", score: score, neuronsPerClass: t.neuronsPerClass),
      training: training)
    return try encodeJSON(f, file: "network")
  }

  /// Writes the network file atomically (a temporary file renamed over `path`), creating its
  /// folder.
  /// - Throws: `InputError` naming `path` when it cannot be written.
  public func write(to path: String) throws(InputError) { try writeFileAtomically(try encoded(), to: path) }

  /// Reads and validates a network file, as written or compressed with `gzip` (docs/network-format.md).
  /// - Throws: `InputError` naming the file when it cannot be read or decompressed, the line and
  ///   column of a JSON syntax error, or the field (`cores[3].connections[17]`), the value and what
  ///   is allowed.
  public static func read(from path: String) throws(InputError) -> TrainedNetwork {
    var bytes: [UInt8]
    do { bytes = try readFile(path) } catch { throw InputError(file: path, message: "\(error.message); create one with `tnsim train`") }
    if Gzip.isCompressed(bytes) { bytes = try Gzip.decompress(bytes, file: path) }
    return try parse(bytes, file: path)
  }

  /// Parses and validates network-file JSON.
  /// - Throws: `InputError` naming `file` and the line and column of a JSON syntax error, or the
  ///   field (`cores[3].connections[17]`), the value and what is allowed.
  public static func parse(_ data: Data, file: String) throws(InputError) -> TrainedNetwork {
    try parse([UInt8](data), file: file)
  }

  /// Parses and validates the network-file JSON `bytes`, as `parse(_:file:)`.
  static func parse(_ bytes: [UInt8], file: String) throws(InputError) -> TrainedNetwork {
    let f = try decodeJSON(File.self, from: bytes, file: file)
    guard f.format == format else { throw InputError(file: file, path: "format", message: "is \"\(f.format)\"; expected \"\(format)\"") }
    guard f.version == version else { throw InputError(file: file, path: "version", message: "is \(f.version); allowed: \(version)") }
    try Topology.checkInput(rows: f.input.rows, columns: f.input.columns, file: file)
    guard f.cores.count <= Topology.maxCores else {
      throw InputError(file: file, path: "cores", message: "has \(f.cores.count) cores; allowed: at most \(Topology.maxCores) (one chip)")
    }
    // Each count is bounded before the sum, so the sum cannot overflow.
    guard f.layers.count <= Topology.maxCores, f.layers.allSatisfy({ (1...Topology.maxCores).contains($0) }),
      f.layers.reduce(0, +) == f.cores.count
    else {
      throw InputError(file: file, path: "layers", message: "core counts \(f.layers) do not add up to the \(f.cores.count) cores")
    }
    var layers: [[Topology.Core]] = []
    var params: [CoreParameters] = []
    var k = 0
    for (l, count) in f.layers.enumerated() {
      var layer: [Topology.Core] = []
      for i in 0..<count {
        let c = f.cores[k]
        let at = "cores[\(k)]"
        guard c.layer == l, c.index == i else {
          throw InputError(file: file, path: at, message: "is layer \(c.layer) core \(c.index); expected layer \(l) core \(i) (cores in layer order)")
        }
        params.append(try c.parameters(file: file, at: at))
        layer.append(Topology.Core(inputs: c.inputs, neurons: c.neurons))
        k += 1
      }
      layers.append(layer)
    }
    let t = Topology(name: f.name, inputRows: f.input.rows, inputColumns: f.input.columns, classes: f.readout.classes, layers: layers)
    try t.validate(file: file)
    guard f.readout.neuronsPerClass == t.neuronsPerClass else {
      throw InputError(file: file, path: "readout.neuronsPerClass", message: "is \(f.readout.neuronsPerClass); the rule j % classes gives \(t.neuronsPerClass)")
    }
    return TrainedNetwork(network: ShadowNetwork(topology: t, cores: params), score: f.readout.score, training: f.training)
  }
}

extension TrainedNetwork.File.Core {
  /// The core's parameters, every table checked against its shape and range.
  /// - Throws: `InputError` naming `file` and the field under `at` (`cores[3]`).
  func parameters(file: String, at: String) throws(InputError) -> CoreParameters {
    let a = inputs.count
    let n = neurons
    // The sizes are checked before any product of them is formed or allocated.
    guard (1...Topology.maxNeurons).contains(n) else {
      throw InputError(file: file, path: at + ".neurons", message: "is \(n); allowed: 1...\(Topology.maxNeurons)")
    }
    guard (1...Topology.maxAxons).contains(a) else {
      throw InputError(file: file, path: at + ".inputs", message: "has \(a) entries; allowed: 1...\(Topology.maxAxons) (one per axon)")
    }
    guard axonTypes.count == a else {
      throw InputError(file: file, path: at + ".axonTypes", message: "has \(axonTypes.count) entries; expected \(a) (one per input)")
    }
    if let j = axonTypes.firstIndex(where: { !(0...3).contains($0) }) {
      throw InputError(file: file, path: at + ".axonTypes[\(j)]", message: "is \(axonTypes[j]); allowed: 0...3")
    }
    let w = try weightTable(file: file, at: at)
    guard connections.count == a * n else {
      throw InputError(file: file, path: at + ".connections", message: "has \(connections.count) entries; expected \(a) x \(n) = \(a * n)")
    }
    if let j = connections.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
      throw InputError(file: file, path: at + ".connections[\(j)]", message: "is \(connections[j]); allowed: 0...1")
    }
    guard leaks.count == n else {
      throw InputError(file: file, path: at + ".leaks", message: "has \(leaks.count) entries; expected \(n)")
    }
    if let j = leaks.firstIndex(where: { !ShadowNetwork.leakRange.contains($0) }) {
      throw InputError(file: file, path: at + ".leaks[\(j)]", message: "is \(leaks[j]); allowed: -255...255")
    }
    return CoreParameters(axons: a, neurons: n, axonTypes: axonTypes.map(UInt8.init), weights: w, connections: connections, leaks: leaks)
  }

  /// The weights, 4 per neuron in neuron order, each in -255...255.
  func weightTable(file: String, at: String) throws(InputError) -> [Int8] {
    guard weights.count == neurons else {
      throw InputError(file: file, path: at + ".weights", message: "has \(weights.count) entries; expected \(neurons) (one per neuron)")
    }
    var w: [Int8] = []
    for (j, row) in weights.enumerated() {
      guard row.count == 4 else { throw InputError(file: file, path: at + ".weights[\(j)]", message: "has \(row.count) entries; expected 4") }
      for (t, v) in row.enumerated() {
        guard (-255...255).contains(v) else {
          throw InputError(file: file, path: at + ".weights[\(j)][\(t)]", message: "is \(v); allowed: -255...255")
        }
        w.append(Int8(clamping: v))
      }
    }
    return w
  }
}
