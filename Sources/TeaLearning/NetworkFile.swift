import Foundation

/// How and how well a network was trained (the `training` object of the network file).
public struct TrainingMetadata: Sendable, Equatable, Codable {
  /// The options of the run (topology, epochs, batch, learning rate, optimiser, loss, seed, ...).
  public var options: TrainingOptions
  /// Epochs completed.
  public var epochs: Int
  /// Training and validation images used.
  public var trainImages: Int
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

  /// The file's JSON text.
  public func encoded() throws(TeaLearningError) -> [UInt8] {
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
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    do { return [UInt8](try e.encode(f)) } catch { throw TeaLearningError(file: "network", message: "cannot encode: \(error)") }
  }

  /// Writes the network file atomically.
  public func write(to path: String) throws(TeaLearningError) { try writeAtomically(try encoded(), to: path) }

  /// Reads and validates a network file.
  /// - Throws: `TeaLearningError` naming the file, the field (`cores[3].connections[17]`), the
  ///   value and what is allowed.
  public static func read(from path: String) throws(TeaLearningError) -> TrainedNetwork {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TeaLearningError(file: path, message: "cannot read the network file (missing?); create one with `tnsim train`")
    }
    return try parse(data, file: path)
  }

  /// Parses and validates network-file JSON.
  public static func parse(_ data: Data, file: String) throws(TeaLearningError) -> TrainedNetwork {
    let f = try decodeJSON(File.self, from: data, file: file)
    guard f.format == format else { throw TeaLearningError(file: file, field: "format", message: "is \"\(f.format)\"; expected \"\(format)\"") }
    guard f.version == version else { throw TeaLearningError(file: file, field: "version", message: "is \(f.version); allowed: \(version)") }
    guard f.layers.reduce(0, +) == f.cores.count, f.layers.allSatisfy({ $0 >= 1 }) else {
      throw TeaLearningError(file: file, field: "layers", message: "core counts \(f.layers) do not add up to the \(f.cores.count) cores")
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
          throw TeaLearningError(file: file, field: at, message: "is layer \(c.layer) core \(c.index); expected layer \(l) core \(i) (cores in layer order)")
        }
        let a = c.inputs.count
        let n = c.neurons
        guard c.axonTypes.count == a else {
          throw TeaLearningError(file: file, field: at + ".axonTypes", message: "has \(c.axonTypes.count) entries; expected \(a) (one per input)")
        }
        if let j = c.axonTypes.firstIndex(where: { !(0...3).contains($0) }) {
          throw TeaLearningError(file: file, field: at + ".axonTypes[\(j)]", message: "is \(c.axonTypes[j]); allowed: 0...3")
        }
        guard c.weights.count == n else {
          throw TeaLearningError(file: file, field: at + ".weights", message: "has \(c.weights.count) entries; expected \(n) (one per neuron)")
        }
        var w: [Int8] = []
        for (j, row) in c.weights.enumerated() {
          guard row.count == 4 else { throw TeaLearningError(file: file, field: at + ".weights[\(j)]", message: "has \(row.count) entries; expected 4") }
          for (t, v) in row.enumerated() {
            guard (-255...255).contains(v) else {
              throw TeaLearningError(file: file, field: at + ".weights[\(j)][\(t)]", message: "is \(v); allowed: -255...255")
            }
            w.append(Int8(clamping: v))
          }
        }
        guard c.connections.count == a * n else {
          throw TeaLearningError(file: file, field: at + ".connections", message: "has \(c.connections.count) entries; expected \(a) x \(n) = \(a * n)")
        }
        if let j = c.connections.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
          throw TeaLearningError(file: file, field: at + ".connections[\(j)]", message: "is \(c.connections[j]); allowed: 0...1")
        }
        guard c.leaks.count == n else {
          throw TeaLearningError(file: file, field: at + ".leaks", message: "has \(c.leaks.count) entries; expected \(n)")
        }
        if let j = c.leaks.firstIndex(where: { !ShadowNetwork.leakRange.contains($0) }) {
          throw TeaLearningError(file: file, field: at + ".leaks[\(j)]", message: "is \(c.leaks[j]); allowed: -255...255")
        }
        layer.append(Topology.Core(inputs: c.inputs, neurons: n))
        params.append(CoreParameters(axons: a, neurons: n, axonTypes: c.axonTypes.map(UInt8.init), weights: w, connections: c.connections, leaks: c.leaks))
        k += 1
      }
      layers.append(layer)
    }
    let t = Topology(name: f.name, inputRows: f.input.rows, inputColumns: f.input.columns, classes: f.readout.classes, layers: layers)
    try t.validate(file: file)
    guard f.readout.neuronsPerClass == t.neuronsPerClass else {
      throw TeaLearningError(file: file, field: "readout.neuronsPerClass", message: "is \(f.readout.neuronsPerClass); the rule j % classes gives \(t.neuronsPerClass)")
    }
    return TrainedNetwork(network: ShadowNetwork(topology: t, cores: params), score: f.readout.score, training: f.training)
  }
}
