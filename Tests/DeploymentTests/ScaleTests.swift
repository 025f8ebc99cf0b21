import Testing
@testable import Deployment
import TeaLearning
import TrueNorth
import TrueNorthIO

/// Scaled deployment (`DeploymentOptions.scale`): a neuron's weights, leak and expected input
/// multiplied by its k, its synapse probabilities raised.
@Suite struct ScaleTests {
  /// Every neuron's table keeps k times its trained expected input per axon type, fits 9 bits,
  /// has probabilities in [0, 1], the leak floor(k b), and the largest k the limits allow.
  @Test(arguments: [1, 4, 16, 255])
  func scaledTablesKeepTheExpectedInputAndFitTheChip(scale: Int) {
    let net = network(inputs: 512, hiddenCores: 2, hidden: 64, outputs: 30, seed: 11,
      connection: { $0.nextUnit() < 0.3 ? 0 : Float($0.nextUnit() * $0.nextUnit()) }, leak: { Float($0.nextUnit() * 40 - 20) })
    var options = DeploymentOptions()
    options.scale = scale
    var scaled = 0
    for p in net.network.cores {
      let t = DeployedNetwork.weightTable(p, options: options)
      for n in 0..<p.neurons {
        let k = Int(t.scale[n])
        #expect((1...scale).contains(k))
        if k > 1 { scaled += 1 }
        let b = Double(p.leaks[n])
        #expect(Int(t.leaks[n]) == Int((Double(k) * b).rounded(.down)), "neuron \(n): leak \(t.leaks[n]), k \(k), b \(b)")
        #expect(abs(t.leaks[n]) <= 255)
        var largest = [Double](repeating: 0, count: 4)
        for a in 0..<p.axons {
          let g = Int(p.axonTypes[a])
          let c = Double(p.connections[a * p.neurons + n]), s = Double(p.weights[n * 4 + g]), w = Double(t.weights[n * 4 + g])
          largest[g] = max(largest[g], c * abs(s))
          guard c > 0 else { continue }
          let probability = Double(k) * c * s / w
          #expect(probability >= 0 && probability <= 1 + 1e-9)
          #expect(abs(probability * w - Double(k) * c * s) < 1e-9)
        }
        for g in 0..<4 { #expect(abs(t.weights[n * 4 + g]) <= 255) }
        // k + 1 would break a limit, unless k is the requested scale.
        if k < scale {
          let next = Double(k + 1)
          #expect(largest.contains { next * $0 > 255 + 1e-9 } || next * abs(b) > 255)
        }
      }
    }
    if scale > 1 { #expect(scaled > 0) }
  }

  /// Connections of 0 or 1/4 at scale 4: every synapse gets probability 1, so the chip computes the
  /// shadow network's hard decision 0.25 * sum(s) + b >= 0 exactly (4b is exact in binary), where the
  /// unscaled deployment would draw each synapse with probability 1/4.
  @Test func scaleFourMakesQuarterConnectionsDeterministic() throws {
    let net = network(inputs: 64, hiddenCores: 4, hidden: 32, outputs: 40, seed: 5,
      connection: { $0.next(below: 2) == 0 ? 0 : 0.25 }, leak: { Float($0.next(below: 1200)) / 100 - 6 })
    var options = DeploymentOptions()
    options.scale = 4
    let checked = try DeploymentTests.expectHardDecisions(net, try DeployedNetwork(net, chip: tiny, options: options), seed: 3)
    #expect(checked > 500)
  }

  /// c = 0.03 everywhere at scale 20: weights of magnitude 1 and 2 both become the smallest integer
  /// at least 20 * 0.03 * |s| (1 and 2), so every synapse exists with probability 0.6 (0.03 unscaled).
  @Test func scaledSynapsesMatchTheRaisedProbabilities() throws {
    let net = network(inputs: 256, hiddenCores: 1, hidden: 200, outputs: 10, seed: 4, connection: { _ in 0.03 }, leak: { _ in -1 })
    var options = DeploymentOptions()
    options.scale = 20
    options.copies = 4
    let deployed = try DeployedNetwork(net, chip: tiny, options: options)
    var set = 0, total = 0
    for copy in 0..<4 {
      let core = deployed.model.cores[copy * 2]
      for a in 0..<256 {
        for n in 0..<200 {
          total += 1
          if core.crossbar[a, n] { set += 1 }
        }
      }
      #expect(core.neurons[0].leak == -20)
    }
    let f = Double(set) / Double(total)
    // About 200,000 synapses: sigma < 0.0011; bound 5 sigma.
    #expect(abs(f - 0.6) < 0.0055, "frequency \(f)")
  }
}
