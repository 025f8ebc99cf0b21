import TeaLearning
import TrueNorth
import TrueNorthIO

/// Where each core of a trained network (a "logical" core, in topology order) goes on the chip's
/// cores of one copy, once the axons and neurons that cannot affect the output are removed:
/// several logical cores share one chip core when their live axons and live neurons fit together
/// (structured sparsity frees them; docs/deployment.md).
///
/// A logical core's live axons keep their order and types and sit side by side with the other
/// members' axons; likewise its live neurons. Removing is exact: a removed axon carries no spike
/// that a live neuron sees, and a removed neuron's spikes reach nothing live, so the packed
/// deployment's output spikes equal the unpacked one's (with leak rounding floor or round).
public struct CorePacking: Sendable, Equatable {
  /// The logical cores on each chip core of a copy, in order.
  public var bins: [[Int]]
  /// The chip core (index into `bins`) of each logical core; -1 when all of it was removed.
  public var binOf: [Int]
  /// `axonSlot[k][a]`: the chip-core axon of logical core k's axon a, or -1 when removed.
  public var axonSlot: [[Int]]
  /// `neuronSlot[k][n]`: the chip-core neuron of logical core k's neuron n, or -1 when removed.
  public var neuronSlot: [[Int]]
  /// The layer of each chip core (the deepest layer among its members), for placement.
  public var binLayer: [Int]

  /// Chip cores per copy.
  public var coresPerCopy: Int { bins.count }

  /// One chip core per logical core, every axon and neuron kept.
  public static func identity(_ network: ShadowNetwork) -> CorePacking {
    let layerOf = network.layerOfCore
    return CorePacking(
      bins: network.cores.indices.map { [$0] }, binOf: Array(network.cores.indices),
      axonSlot: network.cores.map { Array(0..<$0.axons) }, neuronSlot: network.cores.map { Array(0..<$0.neurons) },
      binLayer: layerOf)
  }

  /// Which axons and neurons of `network` can affect its outputs when deployed with `options`
  /// (their leak rounding and scale give the integer leaks): a neuron is removed when it can never fire (no connection from a live axon and a
  /// negative integer leak) or when nothing live reads it (its axon is removed); an axon when it
  /// connects to no live neuron or its source neuron is removed. Iterated to a fixed point.
  public static func liveness(_ network: ShadowNetwork, options: DeploymentOptions) -> (axons: [[Bool]], neurons: [[Bool]]) {
    let topology = network.topology
    let leaks = network.cores.map { DeployedNetwork.weightTable($0, options: options).leaks }
    let layerOf = network.layerOfCore
    let layerStarts = network.layerStarts
    var axonLive = network.cores.map { [Bool](repeating: true, count: $0.axons) }
    var neuronLive = network.cores.map { [Bool](repeating: true, count: $0.neurons) }
    // The (core, neuron) each input of layer l > 0 comes from, and the (core, axon) reading each output.
    var source: [[(core: Int, neuron: Int)]] = []
    var reader: [Int: [(core: Int, axon: Int)]] = [:]  // key: core * 256 + neuron
    for k in network.cores.indices {
      let l = layerOf[k]
      guard l > 0 else {
        source.append([])
        continue
      }
      var owners: [(core: Int, neuron: Int)] = []
      for j in layerStarts[l - 1]..<layerStarts[l] {
        for n in 0..<network.cores[j].neurons { owners.append((j, n)) }
      }
      let s = topology.cores[k].inputs.map { owners[$0] }
      source.append(s)
      for (a, o) in s.enumerated() { reader[o.core * 256 + o.neuron, default: []].append((k, a)) }
    }
    let lastLayer = topology.layers.count - 1
    var changed = true
    while changed {
      changed = false
      for (k, p) in network.cores.enumerated() {
        for a in 0..<p.axons where axonLive[k][a] {
          var used = false
          for n in 0..<p.neurons where neuronLive[k][n] && p.connections[a * p.neurons + n] > 0 {
            used = true
            break
          }
          if !used || (layerOf[k] > 0 && !neuronLive[source[k][a].core][source[k][a].neuron]) {
            axonLive[k][a] = false
            changed = true
          }
        }
        for n in 0..<p.neurons where neuronLive[k][n] {
          var driven = false
          for a in 0..<p.axons where axonLive[k][a] && p.connections[a * p.neurons + n] > 0 {
            driven = true
            break
          }
          let silent = !driven && leaks[k][n] < 0
          let read = layerOf[k] == lastLayer || (reader[k * 256 + n] ?? []).contains { axonLive[$0.core][$0.axon] }
          if silent || !read {
            neuronLive[k][n] = false
            changed = true
          }
        }
      }
    }
    return (axonLive, neuronLive)
  }

  /// Removes what cannot affect the outputs (`liveness`) and packs the logical cores into as few
  /// chip cores as first-fit decreasing finds (largest logical cores first), each chip core
  /// holding at most `axonsPerCore` axons and `neuronsPerCore` neurons.
  public static func pack(_ network: ShadowNetwork, options: DeploymentOptions, axonsPerCore: Int = 256, neuronsPerCore: Int = 256) -> CorePacking {
    let (axonLive, neuronLive) = liveness(network, options: options)
    let layerOf = network.layerOfCore
    let sizes = network.cores.indices.map { k in (axons: axonLive[k].filter { $0 }.count, neurons: neuronLive[k].filter { $0 }.count) }
    let order = network.cores.indices.filter { sizes[$0].neurons > 0 }.sorted {
      let a = sizes[$0].axons + sizes[$0].neurons, b = sizes[$1].axons + sizes[$1].neurons
      return a != b ? a > b : $0 < $1
    }
    var bins: [[Int]] = []
    var used: [(axons: Int, neurons: Int)] = []
    for k in order {
      if let b = used.indices.first(where: { used[$0].axons + sizes[k].axons <= axonsPerCore && used[$0].neurons + sizes[k].neurons <= neuronsPerCore }) {
        bins[b].append(k)
        used[b] = (used[b].axons + sizes[k].axons, used[b].neurons + sizes[k].neurons)
      } else {
        bins.append([k])
        used.append(sizes[k])
      }
    }
    // Members in topology order inside a bin; bins in the order of their first member.
    bins = bins.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    var binOf = [Int](repeating: -1, count: network.cores.count)
    var axonSlot = network.cores.map { [Int](repeating: -1, count: $0.axons) }
    var neuronSlot = network.cores.map { [Int](repeating: -1, count: $0.neurons) }
    for (b, members) in bins.enumerated() {
      var nextAxon = 0, nextNeuron = 0
      for k in members {
        binOf[k] = b
        for a in axonSlot[k].indices where axonLive[k][a] {
          axonSlot[k][a] = nextAxon
          nextAxon += 1
        }
        for n in neuronSlot[k].indices where neuronLive[k][n] {
          neuronSlot[k][n] = nextNeuron
          nextNeuron += 1
        }
      }
    }
    return CorePacking(bins: bins, binOf: binOf, axonSlot: axonSlot, neuronSlot: neuronSlot, binLayer: bins.map { $0.map { layerOf[$0] }.max()! })
  }

  /// Chip cores per copy of `network` deployed with `options`.
  public static func coresPerCopy(_ network: ShadowNetwork, options: DeploymentOptions) -> Int {
    options.pack ? pack(network, options: options).coresPerCopy : network.cores.count
  }

  /// Live axons and neurons of each chip core.
  public func binSizes() -> [(axons: Int, neurons: Int)] {
    bins.map { members in
      (members.reduce(0) { $0 + axonSlot[$1].filter { $0 >= 0 }.count }, members.reduce(0) { $0 + neuronSlot[$1].filter { $0 >= 0 }.count })
    }
  }
}

extension ShadowNetwork {
  /// The layer of each core, in core order.
  public var layerOfCore: [Int] {
    topology.layers.enumerated().flatMap { l, layer in Array(repeating: l, count: layer.count) }
  }
}
