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

  @Test(arguments: [InputSampling.independent, .shared])
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

  /// Stratified copies: per tick a pixel of intensity p spikes in floor(pN) or floor(pN) + 1 of the
  /// N copies (independent copies break that bound), each copy sees a pixel spike with chance p,
  /// and 1 copy draws exactly the independent spikes.
  @Test(arguments: [5, 12])
  func stratifiedCopiesSpikeWithinOneOfTheExpectation(copies: Int) {
    var source = SplitMix64(seed: 6)
    let image = (0..<100).map { i in i % 7 == 0 ? Float(0) : i % 7 == 1 ? Float(1) : Float(source.nextUnit()) }
    func counts(_ sampling: InputSampling, ticks: Int) -> [[Int]] {
      let e = Self.encoding(copies: copies, pixels: 100, sampling: sampling)
      var rng = InputEncoding.generator(seed: 3)
      var targets: [(core: Int32, axon: Int32)] = []
      return (0..<ticks).map { _ in
        e.drawTick(image[...], rng: &rng, into: &targets)
        var perPixel = [Int](repeating: 0, count: 100)
        for t in targets where t.axon < 100 { perPixel[Int(t.axon)] += 1 }
        return perPixel
      }
    }
    func outside(_ ticks: [[Int]]) -> Int {
      ticks.reduce(0) { n, tick in
        n + image.indices.filter { i in
          let low = Int((Double(image[i]) * Double(copies)).rounded(.down))
          return tick[i] < low || tick[i] > low + 1
        }.count
      }
    }
    let stratified = counts(.stratified, ticks: 400)
    #expect(outside(stratified) == 0)
    #expect(outside(counts(.independent, ticks: 400)) > 1000)
    // Copy 0 alone: pixel i spiked in how many of the 400 ticks, against 400 p within 5 sigma.
    let e = Self.encoding(copies: copies, pixels: 100, sampling: .stratified)
    var rng = InputEncoding.generator(seed: 8)
    var targets: [(core: Int32, axon: Int32)] = []
    var seen = [Int](repeating: 0, count: 100)
    for _ in 0..<400 {
      e.drawTick(image[...], rng: &rng, into: &targets)
      for t in targets where t.core == 0 && t.axon < 100 { seen[Int(t.axon)] += 1 }
    }
    for i in image.indices {
      let p = Double(image[i]), sigma = (400 * p * (1 - p)).squareRoot()
      #expect(abs(Double(seen[i]) - 400 * p) <= 5 * sigma, "pixel \(i): \(seen[i]) of 400 ticks at p = \(p)")
    }
  }

  @Test func oneStratifiedCopyDrawsTheIndependentSpikes() {
    var source = SplitMix64(seed: 2)
    let image = (0..<60).map { _ in Float(source.nextUnit()) }
    var a = InputEncoding.generator(seed: 5), b = InputEncoding.generator(seed: 5)
    var ta: [(core: Int32, axon: Int32)] = [], tb: [(core: Int32, axon: Int32)] = []
    for _ in 0..<10 {
      Self.encoding(copies: 1, pixels: 60, sampling: .stratified).drawTick(image[...], rng: &a, into: &ta)
      Self.encoding(copies: 1, pixels: 60, sampling: .independent).drawTick(image[...], rng: &b, into: &tb)
      #expect(ta.map { [$0.core, $0.axon] } == tb.map { [$0.core, $0.axon] })
    }
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
      #expect(error.file == path && error.path == "encoding.sampling" && error.message == "expected \"independent\", \"shared\" or \"stratified\"", "\(error)")
    }
  }
}
