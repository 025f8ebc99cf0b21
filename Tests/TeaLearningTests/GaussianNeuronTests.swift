import Testing
@testable import TeaLearning

/// The Gaussian approximation against Monte-Carlo sampling of the same probabilities: in each
/// trial every input spikes with probability x_i and every synapse is present with probability
/// c_ij, and the neuron fires iff sum + leak >= 0 (the chip's rule with threshold 0).
@Suite struct GaussianNeuronTests {
  @Test func matchesMonteCarloSampling() {
    var g = TeaRandom(seed: 51)
    let axons = 256
    let topology = Topology(name: "one", inputRows: 16, inputColumns: 16, classes: 1, layers: [[Topology.Core(inputs: Array(0..<axons), neurons: 64)]])
    var net = ShadowNetwork(topology: topology, style: .pytruenorth, seed: 52)
    for i in net.cores[0].connections.indices { net.cores[0].connections[i] = g.unitFloat() }
    // Half-integer leaks: the integer sum is then never exactly at the threshold.
    for n in 0..<64 { net.cores[0].leaks[n] = Float(g.below(21) - 10) + 0.5 }
    let x = (0..<axons).map { _ in g.unitFloat() * (g.below(2) == 0 ? 1 : 0.3) }
    let p = net.forward(image: x)[0]
    let trials = 20_000
    var fired = [Int](repeating: 0, count: 64)
    let core = net.cores[0]
    for _ in 0..<trials {
      var spikes: [Int] = []
      for a in 0..<axons where g.unitFloat() < x[a] { spikes.append(a) }
      for n in 0..<64 {
        var v = Double(core.leaks[n])
        for a in spikes where g.unitFloat() < core.connections[a * 64 + n] { v += Double(core.weight(axon: a, neuron: n)) }
        if v >= 0 { fired[n] += 1 }
      }
    }
    var total = 0.0
    var worst = 0.0
    for n in 0..<64 {
      let d = abs(Double(fired[n]) / Double(trials) - Double(p[n]))
      total += d
      worst = max(worst, d)
    }
    // Sampling noise is at most 0.0035 (one standard deviation); the rest is the normal
    // approximation of a sum of 256 bounded terms.
    #expect(total / 64 < 0.01, "mean |MC - P| = \(total / 64)")
    #expect(worst < 0.04, "max |MC - P| = \(worst)")
    // And the test can see a wrong model: shifting every leak by one spike changes P visibly.
    var shifted = net
    for n in 0..<64 { shifted.cores[0].leaks[n] += 1 }
    let q = shifted.forward(image: x)[0]
    var moved = 0.0
    for n in 0..<64 { moved += abs(Double(fired[n]) / Double(trials) - Double(q[n])) }
    #expect(moved / 64 > 0.02)
  }
}
