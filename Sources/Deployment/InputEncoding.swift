import TeaLearning
import TrueNorth
import TrueNorthIO

/// How images become input spikes on a deployment (docs/deployment.md, docs/deployed-format.md):
/// which axons each pixel drives in every copy, and the rate code that turns intensities into
/// spikes.
///
/// In every tick of its frame each pixel of intensity p in [0, 1] spikes with probability p: one
/// draw of the encoding generator per pixel with p > 0, in pixel order, tick after tick, frame
/// after frame. A spike goes to every axon of a copy that reads the pixel. With independent
/// sampling (the default) each copy draws its own spikes, copy after copy; with shared sampling
/// one draw per pixel feeds every copy; with stratified sampling each copy sees its own spikes,
/// drawn pixel after pixel and stratified across the copies. Frame f of a stream occupies ticks [f spf, (f + 1) spf).
public struct InputEncoding: Sendable {
  /// Values of the input vector (pixels).
  public var inputSize: Int
  /// For copy c, the axons input value i drives: `axons[c][start[i]..<start[i + 1]]`.
  public var start: [Int]
  /// Per copy, the (chip core id, axon) of every input axon, grouped by input value.
  public var axons: [[(core: Int32, axon: Int32)]]
  /// The seed the deployment was made with, the default seed of the encoding.
  public var seed: UInt64
  /// Whether each copy draws its own input spikes.
  public var sampling: InputSampling

  /// An encoding from its tables.
  public init(inputSize: Int, start: [Int], axons: [[(core: Int32, axon: Int32)]], seed: UInt64, sampling: InputSampling) {
    self.inputSize = inputSize
    self.start = start
    self.axons = axons
    self.seed = seed
    self.sampling = sampling
  }

  /// Copies the encoding feeds.
  public var copies: Int { axons.count }

  /// The generator of the input spikes for `seed` (SplitMix64 seeded with
  /// mix(seed XOR 0x1F2E3D4C5B6A7988), docs/deployed-format.md).
  public static func generator(seed: UInt64) -> SplitMix64 {
    SplitMix64(seed: SplitMix64.mix(seed ^ 0x1F2E_3D4C_5B6A_7988))
  }

  /// Draws one tick of a frame: replaces `targets` with the axons of the pixels of `image` that
  /// spike. Independent sampling lists copy after copy, each in pixel order; shared and stratified
  /// sampling list pixel after pixel, each in copy order.
  /// - Parameters:
  ///   - image: the frame's pixels, `inputSize` intensities in [0, 1].
  ///   - rng: the encoding generator, advanced by one draw per pixel with intensity above 0 (per
  ///     copy, with independent sampling; stratified: the pixel's permutation of the copies, then
  ///     one per copy, docs/deployed-format.md).
  public func drawTick(_ image: ArraySlice<Float>, rng: inout SplitMix64, into targets: inout [(core: Int32, axon: Int32)]) {
    targets.removeAll(keepingCapacity: true)
    let first = image.startIndex
    switch sampling {
    case .independent:
      for copy in axons.indices {
        for i in 0..<inputSize {
          let p = image[first + i]
          guard p > 0, Float(rng.nextUnit()) < p else { continue }
          targets.append(contentsOf: axons[copy][start[i]..<start[i + 1]])
        }
      }
    case .stratified:
      let n = axons.count
      for i in 0..<inputSize {
        let p = image[first + i]
        guard p > 0 else { continue }
        var alpha = 1, beta = 0
        if n > 1 {
          while n > 2 {
            alpha = 1 + rng.next(below: n - 1)
            if greatestCommonDivisor(alpha, n) == 1 { break }
          }
          beta = rng.next(below: n)
        }
        for copy in 0..<n {
          let u = (Double((alpha * copy + beta) % n) + rng.nextUnit()) / Double(n)
          guard Float(u) < p else { continue }
          targets.append(contentsOf: axons[copy][start[i]..<start[i + 1]])
        }
      }
    case .shared:
      for i in 0..<inputSize {
        let p = image[first + i]
        guard p > 0, Float(rng.nextUnit()) < p else { continue }
        for copy in axons.indices {
          targets.append(contentsOf: axons[copy][start[i]..<start[i + 1]])
        }
      }
    }
  }

  /// Writes the input spikes of `images` streamed back to back at `spf` ticks per frame, the
  /// spikes `DeployedNetwork.evaluate` injects for the same images and seed, frame 0 from tick 0.
  /// Within a tick the spikes are sorted by core, then axon.
  /// - Parameter write: receives every spike in tick order.
  /// - Returns: the number of spikes written.
  /// - Throws: `DeploymentError.imageSizeMismatch` or `.spfOutOfRange`, and what `write` throws.
  @discardableResult
  public func encode(_ images: ImageSet, spf: Int, seed: UInt64, write: (InputSpike) throws -> Void) throws -> Int {
    guard spf >= 1 else { throw DeploymentError.spfOutOfRange(spf) }
    guard images.pixelsPerImage == inputSize else {
      throw DeploymentError.imageSizeMismatch(pixels: images.pixelsPerImage, inputSize: inputSize)
    }
    var rng = Self.generator(seed: seed)
    var targets: [(core: Int32, axon: Int32)] = []
    var count = 0
    for f in 0..<images.count {
      let image = images.image(f)
      for t in 0..<spf {
        drawTick(image, rng: &rng, into: &targets)
        let tick = Int64(f * spf + t)
        let spikes = targets.map { InputSpike(tick: tick, core: $0.core, axon: $0.axon) }.sorted()
        for s in spikes { try write(s) }
        count += spikes.count
      }
    }
    return count
  }
}

/// Whether the copies of a deployment see their own input spikes or the same ones.
///
/// A spike enters the chip addressed to one core's axon, so feeding N copies costs N input events
/// either way; drawing them independently lets the copies average out the input sampling too (with
/// shared spikes every copy sees the same luck of a tick's draw).
public enum InputSampling: String, Sendable, CaseIterable {
  /// Each copy draws its own spikes from the pixels (the default).
  case independent
  /// One draw per pixel and tick, sent to every copy (deployments before this choice existed).
  case shared
  /// Each copy sees its own spikes, stratified across the copies (Latin hypercube sampling): per
  /// tick a pixel of intensity p spikes in floor(pN) or floor(pN) + 1 of the N copies.
  case stratified
}
