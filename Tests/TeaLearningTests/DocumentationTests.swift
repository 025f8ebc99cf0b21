import Foundation
import Testing
@testable import TeaLearning

/// The examples in docs/ are real: the network example parses, the built-in topologies shown
/// are the ones built in.
@Suite struct DocumentationTests {
  static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("docs")

  static func jsonBlocks(_ file: String) throws -> [String] {
    let text = try String(contentsOf: docs.appendingPathComponent(file), encoding: .utf8)
    return text.components(separatedBy: "```json\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
  }

  @Test func networkExampleParses() throws {
    let blocks = try Self.jsonBlocks("network-format.md")
    try #require(blocks.count == 1)
    let t = try TrainedNetwork.parse(Data(blocks[0].utf8), file: "network-format.md")
    #expect(t.network.topology.layers.map(\.count) == [1, 1])
    #expect(t.network.cores[0].weight(axon: 1, neuron: 0) == -1)
    #expect(t.network.cores[0].connections[1 * 2 + 0] == 0.5)
    let p = t.network.forward(image: [1, 0, 0.5, 0.25])
    #expect(p.map(\.count) == [2, 4])
  }

  @Test func builtinTopologiesAreDocumented() throws {
    let blocks = try Self.jsonBlocks("topology-format.md")
    try #require(blocks.count == Topology.builtinFiles.count)
    for (block, builtin) in zip(blocks, Topology.builtinFiles) {
      let documented = try Topology.parse(Data(block.utf8), file: "topology-format.md")
      #expect(documented == (try Topology.resolve(builtin.name)))
    }
  }
}
