import Foundation
import Testing
@testable import TeaLearning

@Suite struct TopologyTests {
  @Test func referenceTopologyHasThePatchesOfTheSpec() throws {
    let t = try Topology.resolve("mnist-5core")
    #expect(t.layers.map(\.count) == [4, 1])
    let offsets = t.layers[0].map { $0.inputs[0] }
    #expect(offsets == [0, 12, 12 * 28, 12 * 28 + 12])
    for core in t.layers[0] {
      #expect(core.axons == 256 && core.neurons == 64)
      #expect(core.inputs[255] == core.inputs[0] + 15 * 28 + 15)
    }
    #expect(t.layers[1][0].inputs == Array(0..<256) && t.layers[1][0].neurons == 256)
    #expect(t.neuronsPerClass.allSatisfy { $0 >= 25 } && t.neuronsPerClass.reduce(0, +) == 256)
  }

  @Test func largerTopologyIsValid() throws {
    let t = try Topology.resolve("mnist-21core")
    #expect(t.layers.map(\.count) == [16, 4, 1])
    #expect(t.neuronsPerClass == [Int](repeating: 25, count: 10))
    #expect(t.cores.allSatisfy { $0.axons <= 256 && $0.neurons <= 256 })
  }

  @Test(arguments: [
    (#"{"neurons": 300, "patch": {"row": 0, "column": 0, "height": 16, "width": 16}}"#, "layers[0].cores[0].neurons: is 300; allowed: 1...256"),
    (#"{"neurons": 10, "patch": {"row": 20, "column": 0, "height": 16, "width": 16}}"#, "layers[0].cores[0].patch: rows 20..<36"),
    (#"{"neurons": 10, "inputs": [0, 784]}"#, "layers[0].cores[0].inputs[1]: is 784; allowed: 0...783"),
    (#"{"neurons": 10, "range": {"start": 0, "count": 300}}"#, "layers[0].cores[0].range.count: is 300; allowed: 1...256"),
    (#"{"neurons": 10}"#, "give exactly one of"),
  ])
  func badCoresAreNamed(core: String, expected: String) {
    let json = #"{"format": "tnsim-topology", "version": 1, "name": "t", "input": {"rows": 28, "columns": 28}, "classes": 10, "layers": [{"cores": ["#
      + core + "]}]}"
    do {
      _ = try Topology.parse(Data(json.utf8), file: "t.json")
      Issue.record("accepted \(core)")
    } catch {
      #expect(error.description.contains(expected), "\(error)")
      #expect(error.file == "t.json")
    }
  }

  @Test func unknownNameIsExplained() {
    #expect(throws: InputError.self) { try Topology.resolve("no-such-topology") }
  }
}

@Suite struct NetworkFileTests {
  @Test func roundTripsExactly() throws {
    let net = smallNetwork(seed: 61)
    var o = TrainingOptions()
    o.seed = 61
    let meta = TrainingMetadata(options: o, epochs: 2, trainImages: 10, validationImages: 0, validationAccuracy: nil, testAccuracy: 0.5,
      testImages: 4, trainingSeconds: 1.5, history: [])
    let trained = TrainedNetwork(network: net, score: .sum, training: meta)
    let back = try TrainedNetwork.parse(Data(try trained.encoded()), file: "n.json")
    #expect(back == trained)
  }

  @Test func outOfRangeValuesAreNamed() throws {
    var net = smallNetwork(seed: 62)
    net.cores[2].connections[7] = 1.5
    let bytes = try TrainedNetwork(network: net, score: .sum, training: nil).encoded()
    do {
      _ = try TrainedNetwork.parse(Data(bytes), file: "n.json")
      Issue.record("accepted c = 1.5")
    } catch {
      #expect(error.description == "n.json: cores[2].connections[7]: is 1.5; allowed: 0...1")
    }
  }

  @Test func weightTablesFollowTheStyle() {
    let net = ShadowNetwork(topology: try! Topology.resolve("mnist-5core"), style: .pytruenorth, seed: 9)
    for core in net.cores {
      #expect((0..<4).map { t in core.axonTypes.filter { $0 == t }.count } == [64, 64, 64, 64])
      for n in 0..<core.neurons { #expect(core.weights[(n * 4)..<(n * 4 + 4)].sorted() == [-2, -1, 1, 2]) }
      // The 24 permutations are spread evenly: each appears floor or ceil of neurons / 24 times.
      var counts: [[Int8]: Int] = [:]
      for n in 0..<core.neurons { counts[Array(core.weights[(n * 4)..<(n * 4 + 4)]), default: 0] += 1 }
      #expect(counts.values.allSatisfy { $0 == core.neurons / 24 || $0 == core.neurons / 24 + 1 })
    }
    let ranc = ShadowNetwork(topology: net.topology, style: .ranc, seed: 9)
    #expect(ranc.cores[0].axonTypes.prefix(4) == [0, 1, 0, 1])
    #expect(ranc.cores[0].weights.prefix(4) == [1, -1, 0, 0])
  }
}
