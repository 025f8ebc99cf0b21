import Foundation
import Testing
@testable import TeaLearning

/// `TrainedNetwork.ensemble`: members side by side compute exactly what each computes alone.
@Suite struct EnsembleTests {
  static func trained(_ n: ShadowNetwork) -> TrainedNetwork { TrainedNetwork(network: n, score: .sum, training: nil) }

  @Test func membersSideBySideComputeWhatEachComputesAlone() throws {
    let a = smallNetwork(seed: 1), b = smallNetwork(seed: 2)
    let e = try TrainedNetwork.ensemble([("a.json", Self.trained(a)), ("b.json", Self.trained(b))])
    let t = e.network.topology
    #expect(t.name == "small+small")
    #expect(t.layers.map(\.count) == [4, 2])
    // Layer 0 reads the image as each member does; layer 1 of b reads b's outputs, after a's 21.
    #expect(t.layers[0].map(\.inputs) == a.topology.layers[0].map(\.inputs) + b.topology.layers[0].map(\.inputs))
    #expect(t.layers[1][0].inputs == a.topology.layers[1][0].inputs)
    #expect(t.layers[1][1].inputs == b.topology.layers[1][0].inputs.map { $0 + 21 })
    #expect(e.network.cores == [a.cores[0], a.cores[1], b.cores[0], b.cores[1], a.cores[2], b.cores[2]])
    #expect(e.training == nil && e.score == .sum)
    for image in randomInputs(5, size: 36, seed: 3) {
      let x = image.map { Float($0) }
      let pe = e.network.forward(image: x), pa = a.forward(image: x), pb = b.forward(image: x)
      #expect(pe[0] == pa[0] + pb[0])
      #expect(pe[1] == pa[1] + pb[1])
      // Output j of b is output 20 + j of the ensemble: the same class, as 20 is a multiple of 4.
      var sums = [Float](repeating: 0, count: 4)
      for (j, p) in (pa[1] + pb[1]).enumerated() { sums[j % 4] += p }
      let best = sums.indices.max { sums[$0] < sums[$1] || (sums[$0] == sums[$1] && $0 > $1) }!
      #expect(e.network.predictedClass(outputs: pe[1], score: .sum) == best)
    }
  }

  @Test func membersThatDoNotFitTogetherAreRefusedByFile() throws {
    let a = Self.trained(smallNetwork(seed: 1))
    func refused(_ other: TrainedNetwork, first: TrainedNetwork? = nil, _ message: String) {
      do {
        _ = try TrainedNetwork.ensemble([("a.json", first ?? a), ("b.json", other)])
        Issue.record("accepted: \(message)")
      } catch {
        #expect(error.description.hasPrefix(message), "\(error.description)")
      }
    }
    var fiveClasses = a
    fiveClasses.network.topology.classes = 5
    refused(fiveClasses, "b.json: readout.classes: is 5; a.json has 4")
    var mean = a
    mean.score = .mean
    refused(mean, "b.json: readout.score: is mean; a.json has sum")
    let one = Topology(name: "one", inputRows: 6, inputColumns: 6, classes: 4, layers: [[Topology.Core(inputs: Array(0..<36), neurons: 8)]])
    refused(Self.trained(ShadowNetwork(topology: one, style: .pytruenorth, seed: 1)), "b.json: layers: has 1 layers; a.json has 2")
    let wide = Topology(name: "wide", inputRows: 7, inputColumns: 6, classes: 4, layers: one.layers + [[Topology.Core(inputs: Array(0..<8), neurons: 4)]])
    refused(Self.trained(ShadowNetwork(topology: wide, style: .pytruenorth, seed: 1)), "b.json: input: is 7 x 6; a.json reads 6 x 6")
    // 18 class neurons for 4 classes: b's neuron 0 would vote for class 2.
    let odd = Topology(name: "odd", inputRows: 6, inputColumns: 6, classes: 4, layers: one.layers + [[Topology.Core(inputs: Array(0..<8), neurons: 18)]])
    refused(a, first: Self.trained(ShadowNetwork(topology: odd, style: .pytruenorth, seed: 1)), "a.json: readout: has 18 class neurons, not a multiple of the 4 classes")
    #expect(throws: InputError.self) { try TrainedNetwork.ensemble([]) }
  }
}
