import Foundation
import Testing
@testable import TeaLearning

/// Training through sampled hidden spikes (`--sample-hidden`): the draws against a generator run
/// by hand, the straight-through gradient against finite differences of the Double reference,
/// and the trainer's determinism, resume and files.
@Suite struct SampledHiddenTests {
  static let seed: UInt64 = 0xABCD
  static let keys = [7, 3, 100, 42, 5, 9]

  /// The engine's hidden spikes, loss and gradient on `inputs` with `draws` draws per image (draw
  /// r of sample i from key `keys[i] * draws + r`), through `GradientEngine`.
  static func sampled(_ net: ShadowNetwork, _ inputs: [[Double]], _ labels: [Int], _ function: LossFunction, keys: [Int], draws: Int = 1,
    threads: Int = 1) -> (hidden: [Float], loss: Double, gradient: ParameterGradient)
  {
    let engine = GradientEngine(topology: net.topology, capacity: inputs.count, threads: threads, loss: function, softmaxScale: 1, hiddenDraws: draws)
    // Image keys[i] is row keys[i] of the pixels.
    var pixels = [Float](repeating: 0, count: (keys.max()! + 1) * 36)
    var imageLabels = [UInt8](repeating: 0, count: keys.max()! + 1)
    for (i, k) in keys.enumerated() {
      for j in 0..<36 { pixels[k * 36 + j] = Float(inputs[i][j]) }
      imageLabels[k] = UInt8(labels[i])
    }
    let batch = MiniBatch(images: ImageSet(pixels: pixels, labels: imageLabels, rows: 6, columns: 6), indices: keys[...])
    let r = engine.lossAndGradient(net, on: batch, hiddenSpikes: seed)
    return (engine.engine.outputs(ofLayer: 1, count: inputs.count * draws), r.lossSum / Double(inputs.count), r.gradient)
  }

  /// Draw `key`'s hidden spikes made by hand: uniform u_n of its generator below P_n.
  static func draws(_ p: [Double], key: Int) -> [Double] {
    var g = TeaRandom(seed: seed, stream: UInt64(key) << 8)
    return p.map { g.unitFloat() < Float($0) ? 1 : 0 }
  }

  /// The hidden spikes are the draws made by hand, and every parameter's gradient is the
  /// derivative of the loss with the spikes fixed and moved by exactly the change of their
  /// probabilities (straight-through): h = h* + P(theta) - P(theta*), the loss taken on the mean of
  /// an image's draws' class-neuron probabilities, differentiated by central differences of the
  /// Double reference.
  @Test(arguments: [(LossFunction.gaussian, 1), (.softmax, 1), (.gaussian, 3), (.softmax, 2)])
  func straightThroughGradientsMatchFiniteDifferences(function: LossFunction, draws: Int) {
    let net = smallNetwork(seed: 51)
    let inputs = randomInputs(6, size: 36, seed: 52)
    let labels = [0, 1, 2, 3, 2, 1]
    let fast = Self.sampled(net, inputs, labels, function, keys: Self.keys, draws: draws)
    let p0 = inputs.map { Reference.layer(net, 0, $0) }
    // hidden[i][r]: draw r of sample i.
    let hidden = zip(p0, Self.keys).map { p, k in (0..<draws).map { Self.draws(p, key: k * draws + $0) } }
    #expect(fast.hidden == hidden.flatMap { $0.flatMap { $0.map(Float.init) } })
    #expect(Set(fast.hidden).isSubset(of: [0, 1]) && fast.hidden.contains(0) && fast.hidden.contains(1))
    func loss(_ n: ShadowNetwork) -> Double {
      var total = 0.0
      for i in inputs.indices {
        let moved = Reference.layer(n, 0, inputs[i])
        var mean = [Double](repeating: 0, count: 20)
        for h in hidden[i] {
          let out = Reference.layer(n, 1, h.indices.map { h[$0] + moved[$0] - p0[i][$0] })
          for j in mean.indices { mean[j] += out[j] / Double(draws) }
        }
        total += Reference.loss(function, mean, classes: 4, label: labels[i])
      }
      return total / Double(inputs.count)
    }
    #expect(abs(fast.loss - loss(net)) < 1e-4 * max(1, loss(net)))
    var g = TeaRandom(seed: 53)
    var checked = 0
    for k in net.cores.indices {
      let picks = (0..<20).map { _ in (true, g.below(net.cores[k].connections.count)) } + (0..<5).map { _ in (false, g.below(net.cores[k].leaks.count)) }
      for (isConnection, i) in picks {
        let fd = centralDifference(net, cores: [k], connection: isConnection, index: i, loss: loss)
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
    let whole = Self.sampled(net, inputs, labels, .gaussian, keys: Self.keys, draws: 2)
    let shard = Self.sampled(net, Array(inputs[3...]), Array(labels[3...]), .gaussian, keys: Array(Self.keys[3...]), draws: 2, threads: 0)
    let width = whole.hidden.count / inputs.count
    #expect(Array(whole.hidden[(3 * width)...]) == shard.hidden)
    #expect(Self.sampled(net, inputs, labels, .gaussian, keys: Self.keys, draws: 2, threads: 0).gradient == whole.gradient)
  }

  static func options(threads: Int) -> TrainingOptions {
    var o = TrainerTests.options(threads: threads)
    o.sampleHidden = 2
    return o
  }

  @Test func sameNetworkOnOneThreadAndAllThreads() throws {
    try TrainingOptionChecks.sameNetworkOnOneThreadAndAllThreads(Self.options, option: "sampling")
  }

  @Test func resumeEqualsTheUninterruptedRun() throws {
    let loaded = try TrainingOptionChecks.resumeEqualsTheUninterruptedRun(Self.options)
    #expect(loaded.options.sampleHidden == 2)
    let train = syntheticSet(count: 50, seed: 1)
    do {
      _ = try Trainer(resuming: loaded, options: TrainerTests.options(threads: 1), train: train, validation: train, file: "x.checkpoint")
      Issue.record("resumed without --sample-hidden")
    } catch {
      #expect(error.description.hasPrefix("x.checkpoint: sample-hidden: "))
    }
  }

  @Test func writtenOnlyWhenOn() throws {
    #expect(!String(decoding: try JSONEncoder().encode(TrainerTests.options(threads: 1)), as: UTF8.self).contains("sampleHidden"))
    let on = try JSONEncoder().encode(Self.options(threads: 1))
    #expect(String(decoding: on, as: UTF8.self).contains(#""sampleHidden":2"#))
    #expect(try JSONDecoder().decode(TrainingOptions.self, from: on).sampleHidden == 2)
    #expect(try JSONDecoder().decode(TrainingOptions.self, from: JSONEncoder().encode(TrainerTests.options(threads: 1))).sampleHidden == 0)
    var o = Self.options(threads: 1)
    o.sampleHidden = 1
    #expect(o.firstDifference(from: Self.options(threads: 1)) == "sample-hidden")
  }
}
