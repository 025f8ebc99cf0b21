import Foundation
import Testing
@testable import Deployment
import TeaLearning
import TrueNorth
import TrueNorthIO

/// A network after structured sparsity: whole axon rows and neuron columns zeroed at random, some
/// zeroed neurons with a negative leak (silent, removable) and some with a positive one (they fire
/// every tick, so they must stay).
func sparseNetwork(seed: UInt64, hiddenCores: Int = 4, inputs: Int = 480, hidden: Int = 40, outputs: Int = 30) -> TrainedNetwork {
  var net = network(
    inputs: inputs, hiddenCores: hiddenCores, hidden: hidden, outputs: outputs, seed: seed,
    connection: { $0.nextUnit() < 0.5 ? 0 : Float($0.nextUnit()) }, leak: { Float($0.nextUnit() * 6 - 4) })
  var g = SplitMix64(seed: seed ^ 0xABCD)
  for k in net.network.cores.indices {
    var p = net.network.cores[k]
    for a in 0..<p.axons where g.nextUnit() < 0.55 {
      for n in 0..<p.neurons { p.connections[a * p.neurons + n] = 0 }
    }
    for n in 0..<p.neurons where g.nextUnit() < 0.3 {
      for a in 0..<p.axons { p.connections[a * p.neurons + n] = 0 }
      p.leaks[n] = g.nextUnit() < 0.8 ? -1.5 : 0.5
    }
    net.network.cores[k] = p
  }
  return net
}

@Suite struct PackingTests {
  @Test(arguments: [1, 2, 3, 4, 5])
  func packingNeverExceedsACoresLimits(seed: UInt64) throws {
    let net = sparseNetwork(seed: seed, hiddenCores: 6, inputs: 6 * 200, hidden: 40, outputs: 30)
    // The chip's limits, and the tightest ones that still hold the largest logical core.
    let live = CorePacking.liveness(net.network, options: DeploymentOptions())
    let largest = (live.axons.map { $0.filter { $0 }.count }.max()!, live.neurons.map { $0.filter { $0 }.count }.max()!)
    for limits in [(256, 256), largest, (largest.0 + 30, largest.1 + 10)] {
      let p = CorePacking.pack(net.network, options: DeploymentOptions(), axonsPerCore: limits.0, neuronsPerCore: limits.1)
      for (b, size) in p.binSizes().enumerated() {
        #expect(size.axons <= limits.0 && size.neurons <= limits.1, "bin \(b): \(size)")
      }
      // Every live axon and neuron has its own slot in its bin, numbered from 0.
      for (b, members) in p.bins.enumerated() {
        let axons = members.flatMap { p.axonSlot[$0].filter { $0 >= 0 } }.sorted()
        let neurons = members.flatMap { p.neuronSlot[$0].filter { $0 >= 0 } }.sorted()
        #expect(axons == Array(0..<axons.count) && neurons == Array(0..<neurons.count), "bin \(b)")
        #expect(members.allSatisfy { p.binOf[$0] == b })
      }
    }
    // With the chip's limits the deployed model passes every hardware check, with fewer cores.
    let d = try DeployedNetwork(net, chip: truenorth, options: DeploymentOptions())
    #expect(d.model.violations().isEmpty)
    #expect(d.coresUsed < net.network.cores.count)
  }

  @Test func livenessKeepsNeuronsThatFireWithoutInput() {
    let net = sparseNetwork(seed: 9)
    let (axons, neurons) = CorePacking.liveness(net.network, options: DeploymentOptions())
    for (k, p) in net.network.cores.enumerated() {
      for n in 0..<p.neurons where (0..<p.axons).allSatisfy({ p.connections[$0 * p.neurons + n] == 0 }) {
        // A neuron without synapses fires every tick iff its integer leak is >= 0.
        if p.leaks[n] < 0 { #expect(!neurons[k][n], "core \(k) neuron \(n) is silent") }
      }
      for a in 0..<p.axons where (0..<p.neurons).allSatisfy({ p.connections[a * p.neurons + $0] == 0 }) {
        #expect(!axons[k][a], "core \(k) axon \(a) has no synapse")
      }
    }
    // The last layer's neurons that fire every tick are kept.
    let last = net.network.cores.count - 1
    let p = net.network.cores[last]
    for n in 0..<p.neurons where p.leaks[n] >= 0 { #expect(neurons[last][n]) }
  }

  /// Packing is exact: the packed deployment's output pins spike exactly when the unpacked one's
  /// do, tick by tick, for the same input spikes (also scaled, where rounding k * b decides which
  /// neurons without synapses are silent).
  @Test(arguments: [DeploymentOptions.LeakRounding.floor, .round], [1, 8])
  func packedDeploymentSpikesLikeTheUnpackedOne(leak: DeploymentOptions.LeakRounding, scale: Int) throws {
    let net = sparseNetwork(seed: 21)
    var o = DeploymentOptions()
    o.copies = 3
    o.leak = leak
    o.scale = scale
    o.pack = false
    let plain = try DeployedNetwork(net, chip: truenorth, options: o)
    o.pack = true
    let packed = try DeployedNetwork(net, chip: truenorth, options: o)
    #expect(packed.coresUsed < plain.coresUsed, "nothing was packed")
    func outputs(_ d: DeployedNetwork) throws -> [[Int32]] {
      let sim = try Simulator(model: d.model, seed: 5, threads: 1)
      var g = SplitMix64(seed: 77)
      var out: [[Int32]] = []
      for t in 0..<40 {
        for i in 0..<d.inputSize where g.nextUnit() < 0.3 {
          for copy in 0..<d.inputAxons.count {
            for target in d.inputAxons[copy][d.inputStart[i]..<d.inputStart[i + 1]] {
              sim.inject(InputSpike(tick: Int64(t), core: target.core, axon: target.axon))
            }
          }
        }
        sim.step()
        out.append(sim.spikes.filter { $0.pin >= 0 }.map(\.pin).sorted())
      }
      return out
    }
    let a = try outputs(plain), b = try outputs(packed)
    #expect(a.reduce(0) { $0 + $1.count } > 100, "too few output spikes to compare")
    #expect(a == b)
  }

  @Test func aDenseNetworkIsNotChangedByPacking() throws {
    let net = network(inputs: 512, hiddenCores: 2, hidden: 64, outputs: 30, seed: 3, connection: { Float(0.1 + 0.8 * $0.nextUnit()) }, leak: { _ in -1 })
    let p = CorePacking.pack(net.network, options: DeploymentOptions())
    #expect(p == CorePacking.identity(net.network))
  }
}
