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

  /// The default lambda of probreg is the one docs/plugins.md lists, and its results table shows
  /// that lambda helping: fewer connections between 0.1 and 0.9 for at most 0.1 points of shadow
  /// accuracy (1e-4, the old default, cost 6.85 points on the chip at 1 copy x 1 spf).
  @Test func probregDefaultIsDocumentedAndHelps() throws {
    let spec = try PluginSpec(parsing: "probreg")
    let lambda = try ProbabilityRegularizer(spec).lambda
    #expect(lambda == ProbabilityRegularizer.defaultLambda)
    let text = try String(contentsOf: Self.docs.appendingPathComponent("plugins.md"), encoding: .utf8)
    let shown = "\(lambda)".replacingOccurrences(of: "e-0", with: "e-")  // 1e-06 -> 1e-6
    #expect(text.contains("| `probreg` | `lambda=\(shown)`"), "docs/plugins.md's defaults table shows another lambda than \(shown)")
    func row(_ lambda: String) -> [String]? {
      text.split(separator: "\n").map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
        .first { $0.count >= 5 && $0[0].hasPrefix("Gaussian") && $0[1] == lambda }
    }
    func percent(_ s: String) -> Double { Double(s.replacingOccurrences(of: "*", with: "").replacingOccurrences(of: "%", with: "")) ?? .nan }
    let base = try #require(row("0")), chosen = try #require(row(shown))
    #expect(percent(chosen[2]) >= percent(base[2]) - 0.1, "shadow accuracy")
    #expect(percent(chosen[4]) < percent(base[4]) / 1.5, "connections between 0.1 and 0.9")
  }
}
