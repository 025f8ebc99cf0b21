import Foundation
import Testing
@testable import TeaLearning

@Suite struct TopologyGroupTests {
  @Test func builtinGroupedTopologiesHaveTheDocumentedShape() throws {
    let t29 = try Topology.resolve("mnist-29core")
    #expect(t29.layers.map(\.count) == [16, 9, 4])
    #expect(t29.layers.joined().count == 29)
    #expect(t29.outputCount == 1000)
    // Layer-1 core 4 is the centre block: patch cores (1,1), (1,2), (2,1), (2,2) = cores 5, 6, 9, 10.
    let centre = t29.layers[1][4].inputs
    #expect(centre == Array(320..<448) + Array(576..<704))
    // Output core 3 reads layer-1 cores 4, 5, 7, 8 (the lower right 2 x 2 block of the 3 x 3 grid).
    #expect(t29.layers[2][3].inputs == Array(256..<384) + Array(448..<576))
    #expect(t29.layers[2].allSatisfy { $0.neurons == 250 && $0.axons == 256 })

    let t50 = try Topology.resolve("mnist-50core")
    #expect(t50.layers.map(\.count) == [25, 16, 9])
    #expect(t50.layers[0].allSatisfy { $0.axons == 144 })
    #expect(t50.layers[1].allSatisfy { $0.axons == 256 })
    #expect(t50.layers[2][0].inputs == Array(0..<128) + Array(256..<384))
    #expect(t50.layers.joined().count <= 4096 / 64, "64 copies fit one chip")
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
