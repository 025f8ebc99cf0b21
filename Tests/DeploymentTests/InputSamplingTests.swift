import Foundation
import Testing
@testable import Deployment
import TeaLearning
@testable import TrueNorth
import TrueNorthIO

/// Independent and shared input spikes: the draws against a plain reference, what each choice
/// gives the copies, and how a manifest records it.
@Suite struct InputSamplingTests {
  /// An encoding of `pixels` pixels for `copies` copies: pixel i drives axon i of core `copy`, and
  /// pixel 0 also axon 255 (a pixel inside two patches).
  static func encoding(copies: Int, pixels: Int, sampling: InputSampling) -> InputEncoding {
    var start = [0]
    for i in 0..<pixels { start.append(start[i] + (i == 0 ? 2 : 1)) }
    var axons: [[(core: Int32, axon: Int32)]] = []
    for c in 0..<copies {
      var list: [(core: Int32, axon: Int32)] = [(Int32(c), 0), (Int32(c), 255)]
      for i in 1..<pixels { list.append((Int32(c), Int32(i))) }
      axons.append(list)
    }
    return InputEncoding(inputSize: pixels, start: start, axons: axons, seed: 1, sampling: sampling)
  }

  /// The reference: for each copy (independent) or once (shared), one draw per pixel above 0 in
  /// pixel order, the pixel's axons for each copy that saw it spike.
  static func reference(_ e: InputEncoding, image: [Float], rng: inout SplitMix64) -> Set<[Int32]> {
    var spikes = Set<[Int32]>()
    let rounds = e.sampling == .independent ? e.copies : 1
    for round in 0..<rounds {
      var fired = [Bool](repeating: false, count: image.count)
      for (i, p) in image.enumerated() where p > 0 { fired[i] = Float(rng.nextUnit()) < p }
      let copies = e.sampling == .independent ? [round] : Array(0..<e.copies)
      for c in copies {
        for i in image.indices where fired[i] {
          for k in e.start[i]..<e.start[i + 1] { spikes.insert([e.axons[c][k].core, e.axons[c][k].axon]) }
        }
      }
    }
    return spikes
  }

  @Test(arguments: InputSampling.allCases)
  func aTickDrawsAsTheReference(sampling: InputSampling) {
    let e = Self.encoding(copies: 3, pixels: 40, sampling: sampling)
    var source = SplitMix64(seed: 9)
    let image = (0..<40).map { i in i % 5 == 0 ? Float(0) : Float(source.nextUnit()) }
    var rng = InputEncoding.generator(seed: 2)
    var check = InputEncoding.generator(seed: 2)
    var targets: [(core: Int32, axon: Int32)] = []
    for _ in 0..<20 {
      e.drawTick(image[...], rng: &rng, into: &targets)
      let drawn = targets.map { [$0.core, $0.axon] }
      #expect(Set(drawn).count == drawn.count)
      #expect(Set(drawn) == Self.reference(e, image: image, rng: &check))
    }
  }

  /// One copy draws the same spikes either way; with several, shared copies agree on every pixel,
  /// independent ones agree as often as two fresh draws: at p = 1/2, on half the pixels.
  @Test func independentCopiesDrawTheirOwnSpikes() {
    let image = [Float](repeating: 0.5, count: 200)
    func spikes(_ e: InputEncoding, ticks: Int) -> [[Set<Int32>]] {
      var rng = InputEncoding.generator(seed: 4)
      var targets: [(core: Int32, axon: Int32)] = []
      return (0..<ticks).map { _ in
        e.drawTick(image[...], rng: &rng, into: &targets)
        return (0..<e.copies).map { c in Set(targets.filter { $0.core == Int32(c) }.map(\.axon)) }
      }
    }
    #expect(spikes(Self.encoding(copies: 1, pixels: 200, sampling: .independent), ticks: 5)
      == spikes(Self.encoding(copies: 1, pixels: 200, sampling: .shared), ticks: 5))
    for tick in spikes(Self.encoding(copies: 2, pixels: 200, sampling: .shared), ticks: 5) { #expect(tick[0] == tick[1]) }
    var agree = 0
    let ticks = spikes(Self.encoding(copies: 2, pixels: 200, sampling: .independent), ticks: 50)
    for tick in ticks {
      for axon in 1..<200 where tick[0].contains(Int32(axon)) == tick[1].contains(Int32(axon)) { agree += 1 }
    }
    // 50 x 199 pixels agreeing with chance 1/2: mean 4,975, standard deviation 50; bound 5 sigma.
    #expect(abs(agree - 4975) < 250, "\(agree) pixels agreed")
  }

  @Test(arguments: InputSampling.allCases)
  func aManifestKeepsTheSampling(sampling: InputSampling) throws {
    let dir = try temporaryFolder("sampling")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var net = sparseNetwork(seed: 7, hiddenCores: 4, inputs: 64, hidden: 40, outputs: 25)
    net.score = .mean
    var options = DeploymentOptions()
    options.copies = 2
    options.seed = 11
    options.inputs = sampling
    let deployed = try DeployedNetwork(net, chip: tiny, options: options)
    try net.write(to: dir + "/net.json")
    try deployed.save(to: dir + "/model.json", chipReference: "tiny", network: dir + "/net.json", spf: 2)
    let loaded = try DeployedModel(path: dir + "/model.json")
    #expect(loaded.manifest.options == options && loaded.manifest.encoding.sampling == sampling)
    let images = noisyImages(60, seed: 3)
    let a = try deployed.evaluate(images: images, spf: 2, seed: 11, threads: 1)
    let b = try loaded.evaluate(images: images, spf: 2, seed: 11, threads: 2)
    #expect(a.predictions == b.predictions && a.spikesPerImage == b.spikesPerImage)
    let path = dir + "/model.manifest.json"
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.contains("\"sampling\": \"\(sampling.rawValue)\""))
    // A manifest from before the choice has no "sampling": its copies shared their spikes.
    try text.replacingOccurrences(of: "\"sampling\": \"\(sampling.rawValue)\",", with: "").write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try DeploymentManifest.load(path: path).encoding.sampling == .shared)
    try text.replacingOccurrences(of: "\"sampling\": \"\(sampling.rawValue)\"", with: "\"sampling\": \"per-pixel\"")
      .write(toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try DeploymentManifest.load(path: path)
      Issue.record("a bad sampling was accepted")
    } catch {
      #expect(error.file == path && error.path == "encoding.sampling" && error.message == "expected \"independent\" or \"shared\"", "\(error)")
    }
  }
}
