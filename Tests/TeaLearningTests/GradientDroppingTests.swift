import Foundation
import Testing
@testable import TeaLearning

@Suite struct GradientDroppingTests {
  /// The reference selection: sort by (magnitude descending, index ascending), take `k`.
  static func referenceLargest(_ v: [Float], _ k: Int) -> [Int] {
    v.indices.sorted { (abs(v[$0]), -$0) > (abs(v[$1]), -$1) }.prefix(k).sorted()
  }

  @Test(arguments: [(1, 1), (10, 3), (100, 1), (1000, 10), (16_384, 164), (257, 257), (64, 0)])
  func extractionKeepsTheLargestAndConservesEveryValue(count: Int, k: Int) {
    var g = TeaRandom(seed: UInt64(count * 31 + k))
    // Values with repeats (ties), zeros and both signs.
    let original: [Float] = (0..<count).map { _ in
      let r = g.below(5)
      return r == 0 ? 0 : r == 1 ? 0.25 * (g.below(2) == 0 ? 1 : -1) : (g.unitFloat() - 0.5) * 2
    }
    var v = original
    let sent = GradientDropping.extractLargest(&v, count: k)
    #expect(sent.indices.map(Int.init) == Self.referenceLargest(original, k))
    #expect(sent.values.count == min(k, count))
    // Conservation, bit for bit: sent + residual == what was accumulated.
    var sum = v
    for (i, x) in zip(sent.indices, sent.values) {
      #expect(sum[Int(i)] == 0)
      sum[Int(i)] = x
    }
    #expect(sum.map(\.bitPattern) == original.map(\.bitPattern))
  }

  static func context(step: Int, threads: Int = 1) -> StepContext {
    StepContext(step: step, epoch: 0, seed: 1, batchSize: 15, learningRate: 0.01, threads: threads)
  }

  /// Every rank's residual before a step plus its shard gradient equals what it sent plus its
  /// residual after, exactly; with momentum, the same for the accumulated velocity.
  @Test(arguments: [Float(0), 0.9])
  func sentPlusResidualIsTheAccumulatedGradientExactly(momentum: Float) throws {
    let net = smallNetwork(seed: 5)
    let images = syntheticSet(count: 45, seed: 4)
    var p = GradientDropping(communicator: InProcessCommunicator(workers: 3), keep: 0.05, momentum: momentum)
    let engine = GradientEngine(topology: net.topology, capacity: 5, threads: 1, loss: .gaussian, softmaxScale: 1)
    var velocity: [[[Float]]] = []
    for step in 0..<3 {
      let batch = MiniBatch(images: images, indices: Array((15 * step)..<(15 * step + 15))[...])
      let before = p.residuals
      _ = try p.computeGradient(net, batch: batch, context: Self.context(step: step))
      for r in 0..<3 {
        let g = engine.lossAndGradient(net, on: batch.shard(r, of: 3)).gradient
        for t in 0..<(2 * net.cores.count) {
          let gt = t % 2 == 0 ? g.cores[t / 2].connections : g.cores[t / 2].leaks
          if velocity.count <= r { velocity.append([]) }
          if velocity[r].count <= t { velocity[r].append([Float](repeating: 0, count: gt.count)) }
          var accumulated = step == 0 ? [Float](repeating: 0, count: gt.count) : before[r][t]
          for j in gt.indices {
            if momentum > 0 {
              velocity[r][t][j] = momentum * velocity[r][t][j] + gt[j]
              accumulated[j] += velocity[r][t][j]
            } else {
              accumulated[j] += gt[j]
            }
          }
          guard case .sparse(let count, let indices, let values) = p.lastMessages[r].tensors[t] else {
            Issue.record("tensor \(t) is not sparse")
            return
          }
          #expect(count == gt.count && indices.count == p.kept(of: count))
          var sum = p.residuals[r][t]
          for (i, x) in zip(indices, values) {
            #expect(sum[Int(i)] == 0)
            sum[Int(i)] = x
            velocity[r][t][Int(i)] = 0  // momentum factor masking
          }
          #expect(sum.map(\.bitPattern) == accumulated.map(\.bitPattern), "step \(step) rank \(r) tensor \(t)")
        }
      }
    }
  }

  @Test func keepingEverythingIsTheWholeBatchGradient() throws {
    let net = smallNetwork(seed: 5)
    let images = syntheticSet(count: 30, seed: 4)
    let batch = MiniBatch(images: images, indices: Array(images.labels.indices)[...])
    let whole = GradientEngine(topology: net.topology, capacity: 30, threads: 1, loss: .gaussian, softmaxScale: 1).lossAndGradient(net, on: batch)
    var p = GradientDropping(communicator: InProcessCommunicator(workers: 4), keep: 1)
    let r = try #require(try p.computeGradient(net, batch: batch, context: Self.context(step: 0)))
    var d = r.gradient
    d.add(whole.gradient, scale: -1)
    #expect(d.norm < 1e-5 * max(whole.gradient.norm, 1e-3))
    #expect(p.residuals.allSatisfy { $0.allSatisfy { $0.allSatisfy { $0 == 0 } } })
  }

  @Test(arguments: [Float(0), 0.9])
  func reproducibleForAnyThreadCount(momentum: Float) throws {
    let train = syntheticSet(count: 200, seed: 1)
    let validation = syntheticSet(count: 40, seed: 2)
    func run(threads: Int) throws -> Trainer {
      let t = Trainer(
        options: TernGradTests.options(threads: threads), topology: TernGradTests.topology, train: train, validation: validation,
        plugins: [GradientDropping(communicator: InProcessCommunicator(workers: 3), keep: 0.1, momentum: momentum), ClipParameters()])
      for _ in 0..<2 { try t.trainEpoch() }
      return t
    }
    let one = try run(threads: 1), all = try run(threads: 0)
    #expect(one.network == all.network)
    #expect(one.history.map(\.trainLoss) == all.history.map(\.trainLoss))
    let a = try #require(one.plugins[0] as? GradientDropping), b = try #require(all.plugins[0] as? GradientDropping)
    #expect(a.residuals == b.residuals)
    #expect(a.statistics == b.statistics && a.statistics.iterations == 2 * one.stepsPerEpoch)
  }

  /// Bytes per worker and iteration on mnist-5core with keep 0.01: the message and ten tensor
  /// headers (44), per tensor an entry count (4) and 8 bytes per entry: ceil(0.01 * 16,384) = 164
  /// for each hidden core's connections, 656 for the output core's, 1 for 64 leaks and 3 for 256.
  @Test func bytesPerIterationOnMnist5Core() throws {
    let net = ShadowNetwork(topology: try Topology.resolve("mnist-5core"), style: .pytruenorth, seed: 1)
    let images = TernGradTests.mnistShaped(count: 16, seed: 2)
    var p = try #require(try TrainingPlugins.make("gdrop:workers=4,keep=0.01") as? GradientDropping)
    for step in 0..<2 {
      _ = try p.computeGradient(net, batch: MiniBatch(images: images, indices: Array(images.labels.indices)[...]), context: Self.context(step: step))
    }
    let s = p.statistics
    let bytes = 4 + 10 * 4 + 4 * (4 + 8 * 164) + (4 + 8 * 656) + 4 * (4 + 8 * 1) + (4 + 8 * 3)
    #expect(bytes == 10_636)
    #expect(s.iterations == 2 && s.bytesPerIteration == Double(bytes))
    #expect(s.float32BytesPerIteration == 526_336)
  }

  @Test func sparseMessagesRoundTripThroughBytes() throws {
    let m = TernaryMessage(
      rank: 2, tensors: [.sparse(count: 10, indices: [0, 3, 9], values: [1.5, -0.25, .pi]), .float([7]), .sparse(count: 4, indices: [], values: [])])
    let bytes = m.encoded()
    #expect(bytes.count == m.wireBytes && m.wireBytes == 4 + (4 + 4 + 24) + (4 + 4) + (4 + 4))
    #expect(try TernaryMessage(decoding: bytes, rank: 2) == m)
    // Indices out of order or out of range are refused.
    var bad = TernaryMessage(rank: 0, tensors: [.sparse(count: 10, indices: [3, 1], values: [1, 2])]).encoded()
    #expect(throws: CommunicationError.self) { _ = try TernaryMessage(decoding: bad, rank: 0) }
    bad = TernaryMessage(rank: 0, tensors: [.sparse(count: 2, indices: [5], values: [1])]).encoded()
    #expect(throws: CommunicationError.self) { _ = try TernaryMessage(decoding: bad, rank: 0) }
    #expect(throws: CommunicationError.self) { _ = try TernaryMessage(decoding: Array(m.encoded().dropLast()), rank: 2) }
  }

  @Test func settingsAreChecked() throws {
    for (text, field) in [
      ("gdrop:keep=0", "gdrop.keep"), ("gdrop:keep=1.5", "gdrop.keep"), ("gdrop:workers=0", "gdrop.workers"),
      ("gdrop:momentum=1", "gdrop.momentum"), ("gdrop:ratio=0.1", "gdrop.ratio"),
    ] {
      do {
        _ = try TrainingPlugins.make(text)
        Issue.record("\(text) was accepted")
      } catch let error as PluginSpecError {
        #expect(error.location == field, "\(text): \(error)")
      }
    }
    let p = try #require(try TrainingPlugins.make("gdrop") as? GradientDropping)
    #expect(p.workers == 4 && p.keep == 0.01 && p.momentum == 0)
    var o = TrainingOptions()
    o.plugins = ["terngrad:workers=2", "gdrop:workers=2"]
    #expect(throws: PluginSpecError.self) { _ = try TrainingPlugins.make(for: o) }
  }
}
