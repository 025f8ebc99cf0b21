import Foundation
import Testing
@testable import TeaLearning

/// Training through sampled hidden spikes (`--sample-hidden`): the draws against a generator run
/// by hand, the straight-through gradient against finite differences of the Double reference,
/// and the trainer's determinism, resume and files.
@Suite struct SampledHiddenTests {
  static let seed: UInt64 = 0xABCD
  static let keys = [7, 3, 100, 42, 5, 9]

  /// The engine's hidden spikes, loss and gradient on `inputs`, sample i drawn with `keys[i]`.
  static func sampled(_ net: ShadowNetwork, _ inputs: [[Double]], _ labels: [Int], _ function: LossFunction, keys: [Int], threads: Int = 1)
    -> (hidden: [Float], loss: Double, gradient: ParameterGradient)
  {
    let engine = _BatchEngine(topology: net.topology, capacity: inputs.count, threads: threads)
    engine.load(net)
    engine.setInputs(inputs.flatMap { $0.map(Float.init) }, rows: inputs.indices)
    engine.setLabels(labels)
    engine.forward(count: inputs.count, hiddenSpikes: (seed, keys))
    let r = engine.loss(count: inputs.count, function: function, softmaxScale: 1, gradients: true, gradScale: 1 / Float(inputs.count))
    engine.backward(count: inputs.count)
    let g = ParameterGradient(cores: engine.cores.indices.map { engine.gradient(ofCore: $0) })
    return (engine.outputs(ofLayer: 1, count: inputs.count), r.loss / Double(inputs.count), g)
  }

  /// Sample i's hidden spikes drawn by hand: uniform u_n of its generator below P_n.
  static func draws(_ p: [Double], key: Int) -> [Double] {
    var g = TeaRandom(seed: seed, stream: UInt64(key) << 8)
    return p.map { g.unitFloat() < Float($0) ? 1 : 0 }
  }

  /// The hidden spikes are the draws made by hand, and every parameter's gradient is the
  /// derivative of the loss with the spikes fixed and moved by exactly the change of their
  /// probabilities (straight-through): h = h* + P(theta) - P(theta*), differentiated by central
  /// differences of the Double reference.
  @Test(arguments: LossFunction.allCases)
  func straightThroughGradientsMatchFiniteDifferences(function: LossFunction) {
    let net = smallNetwork(seed: 51)
    let inputs = randomInputs(6, size: 36, seed: 52)
    let labels = [0, 1, 2, 3, 2, 1]
    let fast = Self.sampled(net, inputs, labels, function, keys: Self.keys)
    let p0 = inputs.map { Reference.layer(net, 0, $0) }
    let hidden = zip(p0, Self.keys).map { Self.draws($0, key: $1) }
    #expect(fast.hidden == hidden.flatMap { $0.map(Float.init) })
    #expect(Set(fast.hidden).isSubset(of: [0, 1]) && fast.hidden.contains(0) && fast.hidden.contains(1))
    func loss(_ n: ShadowNetwork) -> Double {
      var total = 0.0
      for i in inputs.indices {
        let moved = Reference.layer(n, 0, inputs[i])
        let h = hidden[i].indices.map { hidden[i][$0] + moved[$0] - p0[i][$0] }
        total += Reference.loss(function, Reference.layer(n, 1, h), classes: 4, label: labels[i])
      }
      return total / Double(inputs.count)
    }
    #expect(abs(fast.loss - loss(net)) < 1e-4 * max(1, loss(net)))
    var g = TeaRandom(seed: 53)
    var checked = 0
    for k in net.cores.indices {
      let picks = (0..<20).map { _ in (true, g.below(net.cores[k].connections.count)) } + (0..<5).map { _ in (false, g.below(net.cores[k].leaks.count)) }
      for (isConnection, i) in picks {
        var up = net
        var down = net
        if isConnection {
          up.cores[k].connections[i] += 1e-3
          down.cores[k].connections[i] -= 1e-3
        } else {
          up.cores[k].leaks[i] += 1e-3
          down.cores[k].leaks[i] -= 1e-3
        }
        let step = isConnection
          ? Double(up.cores[k].connections[i]) - Double(down.cores[k].connections[i])
          : Double(up.cores[k].leaks[i]) - Double(down.cores[k].leaks[i])
        let fd = (loss(up) - loss(down)) / step
        let a = Double(isConnection ? fast.gradient.cores[k].connections[i] : fast.gradient.cores[k].leaks[i])
        #expect(abs(a - fd) <= 2e-5 + 2e-3 * abs(fd), "core \(k) \(isConnection ? "c" : "b")[\(i)]: \(a) vs \(fd)")
        checked += 1
      }
    }
    #expect(checked == 3 * 25)
    // The draws moved the loss: sampled and unsampled runs differ.
    #expect(abs(fast.loss - Reference.meanLoss(net, inputs, labels, function)) > 1e-3)
  }

  /// An image's draws depend on its key alone: a shard of the batch (a data-parallel worker's)
  /// draws what the whole batch drew for its images, on any thread count.
  @Test func aShardDrawsWhatTheWholeBatchDraws() {
    let net = smallNetwork(seed: 61)
    let inputs = randomInputs(6, size: 36, seed: 62)
    let labels = [0, 1, 2, 3, 2, 1]
    let whole = Self.sampled(net, inputs, labels, .gaussian, keys: Self.keys)
    let shard = Self.sampled(net, Array(inputs[3...]), Array(labels[3...]), .gaussian, keys: Array(Self.keys[3...]), threads: 0)
    let width = whole.hidden.count / inputs.count
    #expect(Array(whole.hidden[(3 * width)...]) == shard.hidden)
    #expect(Self.sampled(net, inputs, labels, .gaussian, keys: Self.keys, threads: 0).gradient == whole.gradient)
  }

  static func options(threads: Int) -> TrainingOptions {
    var o = TrainerTests.options(threads: threads)
    o.sampleHidden = true
    return o
  }

  static let none = ImageSet(pixels: [], labels: [], rows: 6, columns: 6)

  @Test func sameNetworkOnOneThreadAndAllThreads() throws {
    let train = syntheticSet(count: 200, seed: 1)
    let one = Trainer(options: Self.options(threads: 1), topology: TrainerTests.topology, train: train, validation: Self.none)
    let all = Trainer(options: Self.options(threads: 0), topology: TrainerTests.topology, train: train, validation: Self.none)
    let plain = Trainer(options: TrainerTests.options(threads: 1), topology: TrainerTests.topology, train: train, validation: Self.none)
    for _ in 0..<2 {
      try one.trainEpoch()
      try all.trainEpoch()
      try plain.trainEpoch()
    }
    #expect(one.network == all.network)
    #expect(one.history.map(\.trainLoss) == all.history.map(\.trainLoss))
    #expect(one.network != plain.network, "sampling changed nothing")
  }

  @Test func resumeEqualsTheUninterruptedRun() throws {
    let train = syntheticSet(count: 200, seed: 1)
    let straight = Trainer(options: Self.options(threads: 1), topology: TrainerTests.topology, train: train, validation: Self.none)
    for _ in 0..<3 { try straight.trainEpoch() }
    let first = Trainer(options: Self.options(threads: 1), topology: TrainerTests.topology, train: train, validation: Self.none)
    try first.trainEpoch()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tea-sampled-\(getpid()).checkpoint").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try first.checkpoint.write(to: path)
    let loaded = try Checkpoint.read(from: path)
    #expect(loaded.options.sampleHidden)
    let resumed = try Trainer(resuming: loaded, options: Self.options(threads: 0), train: train, validation: Self.none)
    while resumed.epochsDone < 3 { try resumed.trainEpoch() }
    #expect(resumed.network == straight.network)
    do {
      _ = try Trainer(resuming: loaded, options: TrainerTests.options(threads: 1), train: train, validation: Self.none, file: "x.checkpoint")
      Issue.record("resumed without --sample-hidden")
    } catch {
      #expect(error.description.hasPrefix("x.checkpoint: sample-hidden: "))
    }
  }

  @Test func writtenOnlyWhenOn() throws {
    #expect(!String(decoding: try JSONEncoder().encode(TrainerTests.options(threads: 1)), as: UTF8.self).contains("sampleHidden"))
    let on = try JSONEncoder().encode(Self.options(threads: 1))
    #expect(String(decoding: on, as: UTF8.self).contains(#""sampleHidden":true"#))
    #expect(try JSONDecoder().decode(TrainingOptions.self, from: on).sampleHidden)
    #expect(try !JSONDecoder().decode(TrainingOptions.self, from: JSONEncoder().encode(TrainerTests.options(threads: 1))).sampleHidden)
  }
}
