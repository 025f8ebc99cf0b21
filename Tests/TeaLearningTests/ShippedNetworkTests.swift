import Foundation
import Testing
@testable import TeaLearning

/// The trained networks in examples/networks/ load, have their built-in topology, and classify
/// the MNIST test images exactly as examples/networks/README.md says.
@Suite struct ShippedNetworkTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("examples/networks")

  /// File, built-in topology, and test images (of 10,000) the shadow network classifies correctly,
  /// as documented in examples/networks/README.md.
  static let documented: [(file: String, topology: String, correct: Int)] = [
    ("mnist-21core-aug.json", "mnist-21core", 9905),
    ("mnist-21core-aug-probreg.json", "mnist-21core", 9881),
    ("mnist-54core-aug.json", "mnist-54core", 9939),
    ("mnist-54core-aug-s2.json", "mnist-54core", 9936),
    ("mnist-54core-mix-aug.json", "mnist-54core-mix", 9938),
    ("mnist-54core-mix-distilled.json", "mnist-54core-mix", 9938),
    ("mnist-54core-mix-distilled-w09.json", "mnist-54core-mix", 9938),
  ]

  @Test func everyShippedNetworkIsDocumentedHere() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".json") }.sorted()
    #expect(names == Self.documented.map(\.file).sorted())
    let readme = try String(contentsOf: Self.folder.appendingPathComponent("README.md"), encoding: .utf8)
    for d in Self.documented {
      #expect(readme.contains(d.file))
      #expect(readme.contains(String(format: "%.2f%%", Double(d.correct) / 100)), "README gives \(d.file)'s shadow accuracy")
    }
  }

  /// The ensemble examples/networks/README.md builds from two shipped networks.
  @Test func shippedEnsembleGivesTheDocumentedShadowAccuracy() throws {
    let mnist = try MNIST.load(directory: mnistDirectory)
    let files = ["mnist-54core-mix-aug.json", "mnist-54core-aug-s2.json"]
    let members = try files.map { f in (file: f, network: try TrainedNetwork.read(from: Self.folder.appendingPathComponent(f).path)) }
    let ensemble = try TrainedNetwork.ensemble(members)
    #expect(ensemble.network.topology.cores.count == 108)
    let accuracy = ensemble.network.accuracy(on: mnist.test, loss: .gaussian).accuracy
    #expect(Int((accuracy * 10_000).rounded()) == 9946, "\(accuracy)")
  }

  @Test func shippedNetworksGiveTheDocumentedShadowAccuracy() throws {
    let mnist = try MNIST.load(directory: mnistDirectory)
    for d in Self.documented {
      let trained = try TrainedNetwork.read(from: Self.folder.appendingPathComponent(d.file).path)
      #expect(trained.network.topology == (try Topology.resolve(d.topology)))
      #expect(trained.network.topology.layers.joined().count * 64 <= Topology.maxCores, "64 copies fit one chip")
      let loss = trained.training?.options.loss ?? .gaussian
      let accuracy = trained.network.accuracy(on: mnist.test, loss: loss).accuracy
      #expect(Int((accuracy * 10_000).rounded()) == d.correct, "\(d.file): \(accuracy)")
      #expect(trained.training?.testAccuracy == accuracy, "\(d.file): the recorded test accuracy")
    }
  }
}
