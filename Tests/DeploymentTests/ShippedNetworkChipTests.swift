import Foundation
import Testing
import TeaLearning
@testable import Deployment

/// The shipped networks (examples/networks/) on the simulated chip give exactly the figures the
/// READMEs quote, on all 10,000 test images with the default deployment (`tnsim eval NET --copies C
/// --spf S`, seed 1). The chip is exact given the seed, so the counts are exact.
@Suite struct ShippedNetworkChipTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("examples/networks")

  /// Network file, copies, spf, input sampling and test images (of 10,000) classified correctly on the chip.
  @Test(arguments: [("mnist-21core-aug-probreg.json", 1, 1, InputSampling.independent, 9574), ("mnist-21core-aug.json", 1, 1, .independent, 9430),
                    ("mnist-21core-aug.json", 4, 2, .independent, 9846), ("mnist-21core-aug.json", 4, 2, .shared, 9808),
                    ("mnist-54core-aug.json", 1, 1, .independent, 9694), ("mnist-54core-mix-aug.json", 1, 1, .independent, 9801),
                    ("mnist-54core-mix-distilled.json", 1, 1, .independent, 9858),
                    ("mnist-54core-mix-distilled-w09.json", 1, 1, .independent, 9818),
                    ("mnist-54core-mix-distilled-w09.json", 64, 1, .independent, 9943)])
  func shippedNetworksGiveTheDocumentedChipAccuracy(file: String, copies: Int, spf: Int, inputs: InputSampling, correct: Int) throws {
    let mnist = try MNIST.load(locating: nil)
    let trained = try TrainedNetwork.read(from: Self.folder.appendingPathComponent(file).path)
    var options = DeploymentOptions()
    options.copies = copies
    options.inputs = inputs
    let chip = try DeployedNetwork.chip(named: nil, for: trained.network, options: options)
    let evaluation = try DeployedNetwork(trained, chip: chip, options: options)
      .evaluate(images: mnist.test, spf: spf, seed: options.seed, threads: 0)
    #expect(evaluation.images == 10_000)
    #expect(evaluation.correct == correct, "\(file) at \(copies) x \(spf), \(inputs) inputs")
    let readme = try String(contentsOf: Self.folder.appendingPathComponent("README.md"), encoding: .utf8)
    #expect(readme.contains(String(format: "%.2f%%", Double(correct) / 100)), "examples/networks/README.md quotes it")
  }
}
