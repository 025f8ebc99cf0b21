import Foundation
import Testing
@testable import Deployment
import TeaLearning
@testable import TrueNorth
import TrueNorthIO

/// Noisy images for the 64-pixel test networks: every pixel an intensity in [0, 1) with some zeros.
func noisyImages(_ count: Int, pixels: Int = 64, seed: UInt64) -> ImageSet {
  var rng = SplitMix64(seed: seed)
  var values: [Float] = []
  var labels: [UInt8] = []
  for _ in 0..<count {
    values += (0..<pixels).map { _ in rng.nextUnit() < 0.2 ? 0 : Float(rng.nextUnit()) }
    labels.append(UInt8(rng.next(below: 10)))
  }
  return ImageSet(pixels: values, labels: labels, rows: 1, columns: pixels)
}

/// A fresh temporary folder, removed by the caller.
func temporaryFolder(_ name: String) throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-\(name)-\(UInt32.random(in: 0...UInt32.max))").path
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  return dir
}

@Suite struct ManifestTests {
  /// A packed two-copy deployment of a sparse network with a mean score (classes of 3 and 2 neurons).
  static func deployment() throws -> (TrainedNetwork, DeployedNetwork) {
    var net = sparseNetwork(seed: 7, hiddenCores: 4, inputs: 64, hidden: 40, outputs: 25)
    net.score = .mean
    var options = DeploymentOptions()
    options.copies = 2
    options.seed = 11
    return (net, try DeployedNetwork(net, chip: tiny, options: options))
  }

  @Test func aSavedDeploymentClassifiesExactlyAsTheDeployer() throws {
    let dir = try temporaryFolder("manifest")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (net, deployed) = try Self.deployment()
    try net.write(to: dir + "/net.json")
    let written = try deployed.save(to: dir + "/model.json", chipReference: "tiny", network: dir + "/net.json", spf: 3)
    #expect(FileManager.default.fileExists(atPath: dir + "/model.manifest.json"))
    #expect(DeployedModel.isDeployed(dir + "/model.json") && !DeployedModel.isDeployed(dir + "/net.json"))
    let loaded = try DeployedModel(path: dir + "/model.json")
    #expect(loaded.model == deployed.model.withChipReference("tiny"))
    let m = loaded.manifest
    #expect(m.model == "model.json" && m.chip == "tiny" && m.spf == 3 && m.options == deployed.options)
    #expect(m.network == written.network && m.network.topology == "test" && m.network.topologySHA256 == DeployedNetwork.topologyDigest(net.network.topology))
    #expect(m.readout == deployed.readout)
    #expect(m.readout.pinSource.compactMap { $0 }.count < m.readout.pinSource.count, "packing removed no class neuron: the test loses its point")
    #expect(m.encoding.start == deployed.inputStart && m.encoding.seed == 11)
    let savedAxons: [[[Int32]]] = m.encoding.axons.map { copy in copy.map { [$0.core, $0.axon] } }
    let deployedAxons: [[[Int32]]] = deployed.inputAxons.map { copy in copy.map { [$0.core, $0.axon] } }
    #expect(savedAxons == deployedAxons)
    let images = noisyImages(120, seed: 3)
    let a = try deployed.evaluate(images: images, spf: 3, seed: 11, threads: 1)
    let b = try loaded.evaluate(images: images, spf: 3, seed: 11, threads: 2)
    #expect(a.predictions.count == 120 && a.predictions == b.predictions && a.correct == b.correct)
    #expect(a.spikesPerImage == b.spikesPerImage && a.hopsPerImage == b.hopsPerImage && a.energyPerImageJoules == b.energyPerImageJoules)
    #expect(loaded.network() == net)
  }

  @Test(arguments: [1, 3])
  func encodedSpikesRunOnTheModelGiveEvalsClasses(spf: Int) throws {
    let (_, deployed) = try Self.deployment()
    let images = noisyImages(80, seed: 5)
    let expected = try deployed.evaluate(images: images, spf: spf, seed: 4, threads: 1).predictions
    var spikes: [InputSpike] = []
    try deployed.encoding.encode(images, spf: spf, seed: 4) { spikes.append($0) }
    #expect(spikes == spikes.sorted() && spikes.last!.tick == Int64(80 * spf - 1))
    let sim = try Simulator(model: deployed.model, seed: 4, threads: 1)
    var input: (any SpikeSource<InputSpike>)? = ArraySpikeSource(spikes)
    let pins = MemorySpikeSink<OutputSpike>()
    _ = try sim.run(ticks: Int64(80 * spf + deployed.pipelineDepth), input: &input, output: pins)
    let classes = try deployed.readout.classes(of: pins.records, frames: 80, spf: spf)
    #expect(classes == expected)
    // Another seed draws other spikes: the classes are not fixed by the images alone.
    #expect(try deployed.evaluate(images: images, spf: spf, seed: 5, threads: 1).predictions != expected)
  }

  @Test func theReadoutWeighsMeanScoresAndBreaksTiesLow() throws {
    // Pins 0-2 vote for class 0 (3 neurons), pins 3-4 for class 1 (2 neurons).
    let readout = Readout(classes: 2, pinClass: [0, 0, 0, 1, 1], neuronsPerClass: [3, 2], score: .mean, pipelineDepth: 1, pinSource: Array(repeating: nil, count: 5))
    func spike(_ tick: Int64, _ pin: Int32) -> OutputSpike { OutputSpike(tick: tick, core: 0, neuron: 0, pin: pin) }
    // Frame 0 (ticks 1-2): 3 for class 0 vs 2 for class 1, means 1 vs 1: a tie, class 0.
    // Frame 1 (ticks 3-4): 3 vs 3, means 1 vs 1.5: class 1. Tick 0 and tick 5 belong to no frame.
    let spikes = [spike(0, 3), spike(1, 0), spike(1, 1), spike(2, 2), spike(2, 3), spike(2, 4), spike(3, 0), spike(3, 3), spike(4, 1),
      spike(4, 2), spike(4, 3), spike(4, 4), spike(5, 4), OutputSpike(tick: 3, core: 1, neuron: 2)]
    #expect(try readout.classes(of: spikes, frames: 2, spf: 2) == [0, 1])
    var sum = readout
    sum.score = .sum
    #expect(try sum.classes(of: spikes, frames: 2, spf: 2) == [0, 0])
    #expect(throws: DeploymentError.self) { try readout.classes(of: [spike(1, 9)], frames: 1, spf: 1) }
  }

  @Test func aManifestIsRefusedForAnotherModelAndWhenMalformed() throws {
    let dir = try temporaryFolder("manifest-bad")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (net, deployed) = try Self.deployment()
    try net.write(to: dir + "/net.json")
    try deployed.save(to: dir + "/model.json", chipReference: "tiny", network: dir + "/net.json", spf: nil)
    var other = deployed.model.withChipReference("tiny")
    other.seed = 12
    try other.save(to: dir + "/model.json")
    do {
      _ = try DeployedModel(path: dir + "/model.json")
      Issue.record("a manifest for another model was accepted")
    } catch {
      #expect(error.file == dir + "/model.manifest.json" && error.path == "modelSHA256", "\(error)")
    }
    let text = try String(contentsOfFile: dir + "/model.manifest.json", encoding: .utf8)
    try text.replacingOccurrences(of: "\"score\": \"mean\"", with: "\"score\": \"median\"").write(toFile: dir + "/bad.manifest.json", atomically: true, encoding: .utf8)
    do {
      _ = try DeploymentManifest.load(path: dir + "/bad.manifest.json")
      Issue.record("a bad score was accepted")
    } catch {
      #expect(error.path == "readout.score" && error.message == "expected sum or mean", "\(error)")
    }
    try text.replacingOccurrences(of: "\"copies\": 2", with: "\"copies\": 3").write(toFile: dir + "/bad.manifest.json", atomically: true, encoding: .utf8)
    #expect(throws: InputError.self) { try DeploymentManifest.load(path: dir + "/bad.manifest.json") }
    // The network moved away: no prediction, but the model still classifies.
    try deployed.save(to: dir + "/model.json", chipReference: "tiny", network: dir + "/net.json", spf: nil)
    #expect(try DeployedModel(path: dir + "/model.json").network() == net)
    try FileManager.default.removeItem(atPath: dir + "/net.json")
    #expect(try DeployedModel(path: dir + "/model.json").network() == nil)
  }

  @Test func theManifestPathSitsBesideTheModel() {
    #expect(DeploymentManifest.path(forModel: "out/model.json") == "out/model.manifest.json")
    #expect(DeploymentManifest.path(forModel: "model") == "model.manifest.json")
  }
}

@Suite struct LibraryWordingTests {
  @Test func deploymentErrorsNameNoFlags() {
    let violation = Violation(core: 0, coreX: 0, coreY: 0, neuron: 1, axon: nil, field: "leak", message: "value 300 is out of range")
    let errors: [DeploymentError] = [
      .coreTooLarge(topology: "t", chip: "tiny", axonsPerCore: 256, neuronsPerCore: 256),
      .copiesDoNotFit(copies: 2000, coresPerCopy: 5, chip: "truenorth", width: 64, height: 64),
      .tooFewOutputPins(needed: 10, chip: "tiny", available: 4),
      .outputReadTwice(layer: 0, output: 3, first: .init(core: 1, axon: 2), second: .init(core: 2, axon: 5)),
      .modelDoesNotFit(chip: "tiny", violation: violation), .spfOutOfRange(0), .imageSizeMismatch(pixels: 10, inputSize: 784),
      .input(InputError(file: "m.json", line: 3, message: "bad")), .sweepSettingsDiffer(file: "d/sweep.csv", found: "# x"),
    ]
    for e in errors {
      #expect(!e.description.contains("--"), "\(e)")
      #expect(!e.description.isEmpty)
    }
    #expect(DeploymentError.input(InputError(file: "m.json", line: 3, message: "bad")).description == "m.json:3: bad")
    #expect(errors[1].description == "2000 copies of 5 cores do not fit on truenorth (64 x 64 cores)")
  }

  @Test func copiesTooManyForTheChipAreAStructuredError() throws {
    var options = DeploymentOptions()
    options.copies = 1000
    options.pack = false
    #expect(throws: DeploymentError.copiesDoNotFit(copies: 1000, coresPerCopy: 5, chip: "tiny", width: tiny.width, height: tiny.height)) {
      try DeployedNetwork(network(inputs: 64, hiddenCores: 4, hidden: 32, outputs: 40, seed: 1, connection: { _ in 1 }, leak: { _ in 0 }),
        chip: tiny, options: options)
    }
  }

  @Test func theDefaultChipIsOneTrueNorthUntilTheCopiesNeedABoard() throws {
    let net = ShadowNetwork(topology: try Topology.resolve("mnist-5core"), style: .pytruenorth, seed: 2)
    // 256 copies of 256 outputs use all 65,536 output pins of one chip.
    var options = DeploymentOptions()
    options.pack = false
    options.copies = 256
    #expect(try DeployedNetwork.chip(named: nil, for: net, options: options).name == "truenorth")
    options.copies = 257
    #expect(try DeployedNetwork.chip(named: nil, for: net, options: options).name == "ns16e")
    // A network of 10 outputs runs out of grid first: a copy is a 3 x 2 block of 5 cores while 21 x 32
    // of them fit the 64 x 64 chip (672 copies), then a 5 x 1 block (12 x 64 = 768 copies).
    let small = ShadowNetwork(topology: Topology(name: "small", inputRows: 1, inputColumns: 40, classes: 10,
      layers: [(0..<4).map { k in Topology.Core(inputs: Array((k * 10)..<(k * 10 + 10)), neurons: 10) }, [Topology.Core(inputs: Array(0..<40), neurons: 10)]]),
      style: .pytruenorth, seed: 1)
    options.copies = 768
    #expect(try DeployedNetwork.chip(named: nil, for: small, options: options).name == "truenorth")
    options.copies = 769
    #expect(try DeployedNetwork.chip(named: nil, for: small, options: options).name == "ns16e")
    #expect(try DeployedNetwork.chip(named: nil, for: net, options: options).name == "ns16e")
    #expect(try DeployedNetwork.chip(named: "tiny", for: net, options: options).name == "tiny")
  }

  @Test func thePackingSummaryCountsWhatPackingKept() throws {
    let dense = ShadowNetwork(topology: try Topology.resolve("mnist-5core"), style: .pytruenorth, seed: 2)
    #expect(PackingSummary(dense, CorePacking.identity(dense)).description == """
      layer 0: 1024/1024 axons, 256/256 neurons, 4/4 cores in use
      layer 1: 256/256 axons, 256/256 neurons, 1/1 cores in use
      cores per copy: 5 -> 5 after packing (axons x neurons per chip core: 256x64, 256x64, 256x64, 256x64, 256x256)
      """)
    let sparse = sparseNetwork(seed: 3)
    let packing = CorePacking.pack(sparse.network, options: DeploymentOptions())
    let summary = PackingSummary(sparse.network, packing)
    #expect(summary.coresAfter == packing.coresPerCopy && summary.coresAfter < summary.coresBefore)
    let liveNeurons: Int = summary.layers.reduce(0) { $0 + $1.liveNeurons }
    let keptNeurons: Int = packing.neuronSlot.reduce(0) { n, slots in n + slots.filter { $0 >= 0 }.count }
    #expect(liveNeurons == keptNeurons)
    let keptAxons: Int = packing.axonSlot[0..<4].reduce(0) { n, slots in n + slots.filter { $0 >= 0 }.count }
    #expect(summary.layers[0].liveAxons == keptAxons)
  }
}

extension Model {
  /// The model as `save(to:chipReference:...)` writes it.
  func withChipReference(_ reference: String) -> Model {
    var m = self
    m.chipReference = reference
    return m
  }
}
