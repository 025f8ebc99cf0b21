import Foundation
import Testing
@testable import TeaLearning

@Suite struct PruningTests {
  /// The dense network pruning starts from: connections spread over (0.05, 0.95).
  static let dense = PluginTests.awayFromKinks(smallNetwork(seed: 5), seed: 2)

  /// `c * |s|` of every connection of layer `l`, with its core and index, in flat order.
  static func magnitudes(_ net: ShadowNetwork, layer l: Int) -> [(magnitude: Float, core: Int, index: Int)] {
    let starts = net.layerStarts
    var out: [(magnitude: Float, core: Int, index: Int)] = []
    for k in starts[l]..<starts[l + 1] {
      let c = net.cores[k]
      for a in 0..<c.axons {
        for n in 0..<c.neurons { out.append((c.connections[a * c.neurons + n] * Float(abs(c.weight(axon: a, neuron: n))), k, a * c.neurons + n)) }
      }
    }
    return out
  }

  @Test(arguments: [([0.6, 0.3], 3, 1), ([0.9], 2, 2), ([0.37], 1, 1)])
  func exactSparsityIsReachedAndPrunedConnectionsStayPruned(sparsity: [Double], steps: Int, every: Int) throws {
    let epochs = (steps - 1) * every + 2
    let t = PluginTests.trainer([MagnitudePruning(sparsity: sparsity, steps: steps, every: every)], initial: Self.dense, epochs: epochs, lr: 0.02)
    let layers = Self.dense.topology.layers.count
    let counts = (0..<layers).map { Self.magnitudes(Self.dense, layer: $0).count }
    func expected(_ l: Int, stage j: Int) -> Int {
      let s = sparsity[min(l, sparsity.count - 1)]
      return Int((s * Double(counts[l]) * Double(j) / Double(steps)).rounded())
    }
    // Step 1 prunes the starting network: exactly the smallest c * |s| of each layer.
    var plugin = try #require(t.plugins[0] as? MagnitudePruning)
    for l in 0..<layers {
      let m = Self.magnitudes(Self.dense, layer: l)
      let offsets = Self.offsets(Self.dense)
      let prunedM = m.filter { plugin.pruned[offsets[$0.core] + $0.index] }.map(\.magnitude)
      let keptM = m.filter { !plugin.pruned[offsets[$0.core] + $0.index] }.map(\.magnitude)
      #expect(prunedM.count == expected(l, stage: 1))
      #expect((prunedM.max() ?? 0) <= (keptM.min() ?? 1), "layer \(l): a pruned connection is larger than a kept one")
      for e in m where plugin.pruned[offsets[e.core] + e.index] { #expect(t.network.cores[e.core].connections[e.index] == 0) }
    }
    var previous = plugin.pruned
    for epoch in 0..<epochs {
      try t.trainEpoch()
      plugin = try #require(t.plugins[0] as? MagnitudePruning)
      let stage = min(steps, epoch / every + 1)
      #expect(plugin.stage == stage)
      let perLayer = plugin.prunedPerLayer(t.network)
      for l in 0..<layers { #expect(perLayer[l].pruned == expected(l, stage: stage), "epoch \(epoch) layer \(l)") }
      // Pruned once, pruned for good: the mask only grows and every pruned connection is 0.
      #expect(zip(previous, plugin.pruned).allSatisfy { !$0 || $1 })
      let flat = t.network.flatConnections
      #expect(plugin.pruned.indices.allSatisfy { !plugin.pruned[$0] || flat[$0] == 0 })
      previous = plugin.pruned
    }
    // The last step reaches the sparsity asked for exactly, and the survivors kept learning.
    let final = plugin.prunedPerLayer(t.network)
    for l in 0..<layers {
      #expect(final[l].pruned == Int((sparsity[min(l, sparsity.count - 1)] * Double(counts[l])).rounded()))
      #expect(final[l].total == counts[l])
    }
    #expect(t.network != Self.dense)
  }

  static func offsets(_ net: ShadowNetwork) -> [Int] {
    var o = [0]
    for c in net.cores { o.append(o.last! + c.connections.count) }
    return o
  }

  @Test func ties() {
    // Every magnitude equal: the lower flat indices go first.
    var net = smallNetwork(seed: 5)
    for k in net.cores.indices {
      let c = net.cores[k]
      for a in 0..<c.axons {
        for n in 0..<c.neurons { net.cores[k].connections[a * c.neurons + n] = 0.5 / Float(abs(c.weight(axon: a, neuron: n))) }
      }
    }
    var p = MagnitudePruning(sparsity: [0.25], steps: 1)
    p.prepare(&net)
    let starts = net.layerStarts
    let offsets = Self.offsets(net)
    for l in 0..<(starts.count - 1) {
      let range = offsets[starts[l]]..<offsets[starts[l + 1]]
      let n = Int((0.25 * Double(range.count)).rounded())
      #expect(Array(p.pruned[range]) == (0..<range.count).map { $0 < n })
    }
  }

  @Test func pruningRepeatsOnAnyThreadCount() throws {
    func run(_ threads: Int) throws -> Trainer {
      let t = PluginTests.trainer(
        [try TrainingPlugins.make("prune:sparsity=0.8/0.4,steps=2"), try TrainingPlugins.make("probreg:lambda=0.001")], threads: threads,
        initial: Self.dense, epochs: 3)
      for _ in 0..<3 { try t.trainEpoch() }
      return t
    }
    let one = try run(1), all = try run(0)
    #expect(one.network == all.network)
    #expect(one.history.map(\.trainLoss) == all.history.map(\.trainLoss))
  }

  @Test func settingsAreChecked() throws {
    for (text, field) in [
      ("prune:sparsity=1.5", "prune.sparsity"), ("prune:sparsity=0.5/x", "prune.sparsity"), ("prune:steps=0", "prune.steps"),
      ("prune:every=0", "prune.every"), ("prune:lambda=1", "prune.lambda"), ("prune:steps=2,steps=3", "prune.steps"),
    ] {
      do {
        _ = try TrainingPlugins.make(text)
        Issue.record("\(text) was accepted")
      } catch let error as PluginSpecError {
        #expect(error.location == field, "\(text): \(error)")
        #expect(!error.description.contains("--"), "a library error names a flag: \(error)")
      }
    }
    let p = try #require(try TrainingPlugins.make("prune") as? MagnitudePruning)
    #expect(p.sparsity == [0.5] && p.steps == 3 && p.every == 1)
    // A run too short for every pruning step is refused before it starts.
    var o = TrainingOptions()
    o.epochs = 4
    o.plugins = ["prune:sparsity=0.9,steps=3,every=2"]
    #expect(throws: PluginSpecError.self) { _ = try TrainingPlugins.make(for: o) }
    o.epochs = 5
    #expect((try? TrainingPlugins.make(for: o))?.map(\.name) == ["prune", "clip"])
  }
}
