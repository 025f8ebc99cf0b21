import Foundation
import Testing
@testable import TeaLearning

@Suite struct TopologyGroupTests {
  @Test func builtinGroupedTopologiesHaveTheDocumentedShape() throws {
    let t24 = try Topology.resolve("mnist-24core")
    #expect(t24.layers.map(\.count) == [16, 4, 4])
    #expect(t24.outputCount == 1000)
    // Layer-1 core 1 is the upper right block: patch cores (0,2), (0,3), (1,2), (1,3) = cores 2, 3, 6, 7.
    #expect(t24.layers[1][1].inputs == Array(128..<256) + Array(384..<512))
    #expect(t24.layers[2][3].inputs == Array(768..<1024))
    #expect(t24.layers[2].allSatisfy { $0.neurons == 250 && $0.axons == 256 })

    let t54 = try Topology.resolve("mnist-54core")
    #expect(t54.layers.map(\.count) == [36, 9, 9])
    #expect(t54.layers[0].allSatisfy { $0.axons == 169 })
    #expect(t54.layers[1].allSatisfy { $0.axons == 256 && $0.neurons == 256 })
    // Layer-1 core 4 (the centre): patch cores 14, 15, 20, 21.
    #expect(t54.layers[1][4].inputs == Array(896..<1024) + Array(1280..<1408))
    #expect(t54.layers.joined().count <= Topology.maxCores / 64, "64 copies fit one chip")
  }

  /// On the chip a neuron has one destination: in every built-in topology each output of a
  /// layer is read by at most one core of the next (overlap only where cores read the image).
  @Test func builtinTopologiesGiveEveryOutputOneDestination() throws {
    for (name, _) in Topology.builtinFiles {
      let t = try Topology.resolve(name)
      for l in 1..<t.layers.count {
        var readers = [Int](repeating: 0, count: t.outputs(ofLayer: l - 1))
        for core in t.layers[l] { for i in Set(core.inputs) { readers[i] += 1 } }
        #expect(readers.allSatisfy { $0 <= 1 }, "\(name): layer \(l - 1) has an output read by \(readers.max() ?? 0) cores")
      }
    }
  }

  static func topology(_ group: String) -> String {
    """
    {"format": "tnsim-topology", "version": 1, "name": "g", "input": {"rows": 8, "columns": 8}, "classes": 2,
     "layers": [
       {"patchGrid": {"size": 4, "stride": 2, "neurons": 40}},
       {"groupGrid": \(group)}
     ]}
    """
  }

  @Test func groupGridStrideAndErrors() throws {
    // 3 x 3 patch cores of 40 neurons; 2 x 2 blocks at stride 1 give 4 cores of 160 inputs.
    let t = try Topology.parse(Data(Self.topology(#"{"rows": 3, "columns": 3, "block": 2, "stride": 1, "neurons": 2}"#).utf8), file: "g.json")
    #expect(t.layers[1].count == 4)
    #expect(t.layers[1][1].inputs == Array(40..<120) + Array(160..<240))
    // Stride 2: only the block at (0, 0).
    let t2 = try Topology.parse(Data(Self.topology(#"{"rows": 3, "columns": 3, "block": 2, "stride": 2, "neurons": 2}"#).utf8), file: "g.json")
    #expect(t2.layers[1].count == 1)

    let bad: [(String, String)] = [
      (#"{"rows": 3, "columns": 3, "block": 3, "stride": 1, "neurons": 2}"#, "g.json: layers[1].groupGrid.block: is 3: a block reads 360 outputs"),
      (#"{"rows": 4, "columns": 3, "block": 2, "stride": 1, "neurons": 2}"#, "g.json: layers[1].groupGrid: rows 4 x columns 3 is not a grid"),
      (#"{"rows": 3, "columns": 3, "block": 4, "stride": 1, "neurons": 2}"#, "g.json: layers[1].groupGrid: block 4, stride 1 do not fit"),
      (#"{"rows": 3, "columns": 3, "block": 1, "stride": 1, "neurons": 0}"#, "g.json: layers[1].cores[0].neurons: is 0"),
    ]
    for (group, message) in bad {
      do {
        _ = try Topology.parse(Data(Self.topology(group).utf8), file: "g.json")
        Issue.record("accepted \(group)")
      } catch {
        #expect(error.description.hasPrefix(message), "\(error.description)")
      }
    }
    let first = #"{"format": "tnsim-topology", "version": 1, "name": "g", "input": {"rows": 8, "columns": 8}, "classes": 2, "layers": [{"groupGrid": {"rows": 1, "columns": 1, "block": 1, "stride": 1, "neurons": 2}}]}"#
    #expect(throws: InputError.self) { try Topology.parse(Data(first.utf8), file: "g.json") }
  }

  /// A shuffle against the rule written out: core m reads slice m of every previous core.
  @Test func shuffleReadsASliceOfEveryPreviousCore() throws {
    let mix = try Topology.resolve("mnist-54core-mix")
    #expect(mix.layers.map(\.count) == [36, 9, 9])
    #expect(mix.layers[1].allSatisfy { $0.axons == 256 && $0.neurons == 252 })
    for m in 0..<9 {
      var expected: [Int] = []
      for h in 0..<9 { expected += Array((h * 252 + m * 28)..<(h * 252 + m * 28 + 28)) }
      #expect(mix.layers[2][m].inputs == expected, "core \(m)")
      #expect(mix.layers[2][m].neurons == 100)
    }
    #expect(mix.outputCount == 900 && mix.neuronsPerClass == [Int](repeating: 90, count: 10))
    // The same first two layers as mnist-54core, except the 252 neurons.
    let t54 = try Topology.resolve("mnist-54core")
    #expect(mix.layers[0] == t54.layers[0])
    #expect(mix.layers[1].map(\.inputs) == t54.layers[1].map(\.inputs))

    // Uneven slices: 9 group cores of 5 neurons into 3 cores: slices 0..<1, 1..<3, 3..<5 of each.
    func shuffled(_ neurons: Int) -> String {
      """
      {"format": "tnsim-topology", "version": 1, "name": "g", "input": {"rows": 8, "columns": 8}, "classes": 2,
       "layers": [
         {"patchGrid": {"size": 4, "stride": 2, "neurons": 40}},
         {"groupGrid": {"rows": 3, "columns": 3, "block": 1, "stride": 1, "neurons": \(neurons)}},
         {"shuffle": {"cores": 3, "neurons": 2}}
       ]}
      """
    }
    let t = try Topology.parse(Data(shuffled(5).utf8), file: "g.json")
    let slices: [(lo: Int, hi: Int)] = [(0, 1), (1, 3), (3, 5)]
    for (m, slice) in slices.enumerated() {
      var expected: [Int] = []
      for h in 0..<9 { expected += Array((h * 5 + slice.lo)..<(h * 5 + slice.hi)) }
      #expect(t.layers[2][m].inputs == expected, "core \(m)")
    }
    let tooMany = shuffled(200)
    #expect(throws: InputError.self) { try Topology.parse(Data(tooMany.utf8), file: "g.json") }
    do {
      _ = try Topology.parse(Data(tooMany.utf8), file: "g.json")
    } catch {
      #expect(error.description.hasPrefix("g.json: layers[2].shuffle.cores: is 3: a core would read more than the 256 inputs"), "\(error.description)")
    }
    let first = #"{"format": "tnsim-topology", "version": 1, "name": "g", "input": {"rows": 8, "columns": 8}, "classes": 2, "layers": [{"shuffle": {"cores": 1, "neurons": 2}}]}"#
    #expect(throws: InputError.self) { try Topology.parse(Data(first.utf8), file: "g.json") }
  }

  @Test func exampleTopologyFilesAreTheBuiltins() throws {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("examples/topologies")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
    #expect(names == Topology.builtinFiles.map { $0.name + ".json" }.sorted())
    for name in names {
      let file = try Topology.resolve(dir.appendingPathComponent(name).path)
      #expect(file == (try Topology.resolve(String(name.dropLast(5)))))
    }
  }
}
