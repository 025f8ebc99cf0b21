import Foundation
import Testing
@testable import TeaLearning

/// `tie`: the cores of a layer share one set of parameters.
@Suite struct TiedCoresTests {
  /// 6 x 6 inputs; layer 0 three cores of 14 inputs and 10 neurons each (the same shape, reading
  /// different pixels); layer 1 one core reading all 30 outputs with 16 neurons for 4 classes.
  static func network(seed: UInt64) -> ShadowNetwork {
    var g = TeaRandom(seed: seed)
    let first = (0..<3).map { _ in Topology.Core(inputs: Array(g.permutation(36).prefix(14)), neurons: 10) }
    let t = Topology(name: "tied", inputRows: 6, inputColumns: 6, classes: 4, layers: [first, [Topology.Core(inputs: Array(0..<30), neurons: 16)]])
    var net = ShadowNetwork(topology: t, style: .pytruenorth, seed: seed)
    for k in net.cores.indices {
      for i in net.cores[k].connections.indices { net.cores[k].connections[i] = 0.05 + 0.9 * g.unitFloat() }
      for i in net.cores[k].leaks.indices { net.cores[k].leaks[i] = 4 * g.unitFloat() - 2 }
    }
    return net
  }

  @Test func parsesItsSettings() throws {
    #expect((try TrainingPlugins.make("tie") as? TiedCores)?.layers == [0])
    #expect((try TrainingPlugins.make("tie:layers=0/1") as? TiedCores)?.layers == [0, 1])
    for (text, message) in [
      ("tie:layers=x", "tie.layers: is 'x'; give integers in 0...255 separated by /"),
      ("tie:layers=0//1", "tie.layers: is '0//1'; give integers in 0...255 separated by /"),
      ("tie:layers=-1", "tie.layers: is '-1'; give integers in 0...255 separated by /"),
      ("tie:layers=1/1", "tie.layers: is '1/1'; layer 1 is given twice; give each layer once"),
      ("tie:cores=2", "tie.cores: is not a setting of tie; its settings: layers"),
    ] {
      #expect(throws: PluginSpecError.self, "\(text)") { try TrainingPlugins.make(text) }
      do { _ = try TrainingPlugins.make(text) } catch { #expect("\(error)" == message) }
    }
  }

  /// A layer that is missing, has one core or cores of two shapes is refused, naming the layer.
  @Test func refusesLayersItCannotTie() throws {
    let mix = try Topology.resolve("mnist-54core-mix")
    try TiedCores(layers: [0, 1]).validate(topology: mix, file: "mnist-54core-mix")
    let cases: [(Topology, [Int], String)] = [
      (mix, [3], "mnist-54core-mix: layers: has 3 layers (0...2); tie:layers names layer 3"),
      (Self.network(seed: 1).topology, [1], "mnist-54core-mix: layers[1]: has 1 core; tie:layers needs layers of two cores or more"),
      (smallNetwork(seed: 2).topology, [0], "mnist-54core-mix: layers[0]: core 1 has 20 axons and 9 neurons, core 0 20 and 12; tied cores need one shape"),
    ]
    for (topology, layers, message) in cases {
      #expect(throws: InputError.self) { try TiedCores(layers: layers).validate(topology: topology, file: "mnist-54core-mix") }
      do { try TiedCores(layers: layers).validate(topology: topology, file: "mnist-54core-mix") } catch { #expect("\(error)" == message) }
    }
  }

  /// The tied gradient is the derivative of the loss in the shared parameter: a central finite
  /// difference of the reference loss moving the parameter in all three cores at once.
  @Test func theTiedGradientIsTheSharedParametersDerivative() {
    var net = Self.network(seed: 5)
    var tie = TiedCores(layers: [0])
    tie.prepare(&net)
    #expect(net.cores[1] == net.cores[0] && net.cores[2] == net.cores[0])
    let inputs = randomInputs(6, size: 36, seed: 6)
    let labels = [0, 1, 2, 3, 2, 1]
    var gradient = GradientTests.engineGradient(net, inputs, labels, .gaussian).gradient
    let untied = gradient
    let context = StepContext(step: 0, epoch: 0, seed: 1, batchSize: 6, learningRate: 0.01)
    tie.transformGradient(&gradient, network: net, context: context)
    #expect(gradient.cores[3] == untied.cores[3])
    var g = TeaRandom(seed: 7)
    for isConnection in [true, false] {
      for _ in 0..<12 {
        let i = g.below(isConnection ? net.cores[0].connections.count : net.cores[0].leaks.count)
        let fd = centralDifference(net, cores: [0, 1, 2], connection: isConnection, index: i) {
          Reference.meanLoss($0, inputs, labels, .gaussian)
        }
        for k in 0..<3 {
          let a = Double(isConnection ? gradient.cores[k].connections[i] : gradient.cores[k].leaks[i])
          #expect(abs(a - fd) <= 2e-5 + 2e-3 * abs(fd), "core \(k) \(isConnection ? "c" : "b")[\(i)]: \(a) vs \(fd)")
        }
        // One core's own gradient is not it: the test can tell summed from untied.
        let own = Double(isConnection ? untied.cores[1].connections[i] : untied.cores[1].leaks[i])
        if abs(fd) > 1e-4 { #expect(abs(own - fd) > 2e-5 + 2e-3 * abs(fd)) }
      }
    }
  }

  /// A run with the plug-in keeps the tied cores equal at every epoch (and moves them), leaves
  /// the other layers' cores their own, and resumes to the same network bit for bit. The Adam
  /// moments of the tied cores are equal too: the copy after each step does not touch them, so
  /// they are equal only if every tied core was given the same (summed) gradient.
  @Test func aRunKeepsTheTiedCoresEqual() throws {
    let mnist = try MNIST.load(directory: mnistDirectory)
    let train = mnist.train.subset(0..<600)
    var options = TrainingOptions()
    options.topology = "mnist-21core"
    options.epochs = 2
    options.seed = 3
    options.plugins = ["tie:layers=0"]
    let topology = try Topology.resolve("mnist-21core")
    let start = ShadowNetwork(topology: topology, style: options.weightTables, seed: options.seed)
    let trainer = Trainer(options: options, topology: topology, train: train, validation: ImageSet(pixels: [], labels: [], rows: 28, columns: 28),
      plugins: try TrainingPlugins.make(for: options))
    let starts = trainer.network.layerStarts
    for _ in 0..<2 {
      try trainer.trainEpoch()
      let net = trainer.network
      let moments = trainer.optimizer
      for k in (starts[0] + 1)..<starts[1] {
        #expect(net.cores[k] == net.cores[starts[0]], "core \(k)")
        #expect(moments.first.cores[k] == moments.first.cores[starts[0]] && moments.second.cores[k] == moments.second.cores[starts[0]], "core \(k)'s moments")
      }
      #expect(moments.first.cores[starts[1]] != moments.first.cores[starts[1] + 1])
      #expect(net.cores[starts[1]].connections != net.cores[starts[1] + 1].connections)
    }
    #expect(trainer.network.cores[0].connections != start.cores[0].connections)
    // The same two epochs resumed after the first give the same network.
    let again = Trainer(options: options, topology: topology, train: train, validation: ImageSet(pixels: [], labels: [], rows: 28, columns: 28),
      plugins: try TrainingPlugins.make(for: options))
    try again.trainEpoch()
    let resumed = try Trainer(resuming: again.checkpoint, options: options, train: train, validation: ImageSet(pixels: [], labels: [], rows: 28, columns: 28),
      plugins: try TrainingPlugins.make(for: options))
    try resumed.trainEpoch()
    #expect(resumed.network == trainer.network)
  }
}
