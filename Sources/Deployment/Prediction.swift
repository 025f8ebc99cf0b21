import Foundation
import TeaLearning
import TrueNorth
import TrueNorthIO

/// The deployed accuracy predicted from the shadow network alone, without simulating the chip.
///
/// The shadow network's output probabilities assume independent inputs; on the chip every class
/// neuron of a copy sees the same hidden spikes in a tick, which correlates them. So the prediction
/// samples the spikes layer by layer: for each image it draws `poolSize` input spike vectors, runs
/// each through the first layer's Gaussian neurons (which average over the synapse sampling), draws
/// that layer's spikes, and so on, keeping the class neurons' probabilities given the last hidden
/// spikes. A deployment with N copies read over spf ticks is N * spf such draws: the prediction
/// counts class spikes over them (exact Bernoulli draws when few, normals with each input draw's
/// class means and covariance when many), applies the chip's readout rule (most spikes, per neuron
/// for a mean score, ties to the lowest class) and averages the chance of the right class.
///
/// With shared input spikes the ticks of a frame take distinct input draws of the pool, and the
/// copies of a tick distinct hidden draws (while there are enough); with independent input spikes
/// every copy of every tick takes its own input draw (the pool then has one hidden draw per input
/// draw; above 8 draws per frame the normals take the whole pool's moments, see `accuracy`). The
/// pool's draws are independent samples, so distinct ones are distributed as fresh draws, while
/// reusing one would count its luck twice and widen the predicted counts (with 6 input draws
/// reused at random, 4 ticks had 1.5 times the variance).
/// Deterministic in the seed. It ignores that a copy keeps its sampled synapses from tick to tick:
/// on the chip a copy's errors repeat over the ticks of a frame, so for networks with many
/// connections far from 0 and 1 the prediction is optimistic at several spf.
public struct AccuracyPrediction: Sendable {
  /// Classes of the readout.
  public let classes: Int
  /// Output neurons of the last layer.
  public let outputs: Int
  /// The class each output votes for.
  public let classOf: [Int]
  /// Each class's weight in the vote: 1, or 1 / neurons for a mean score.
  public let scale: [Double]
  /// The images' labels.
  public let labels: [UInt8]
  /// Whether the copies draw their own input spikes or share them, as on the chip.
  public let inputs: InputSampling
  /// Whether each copy draws its own input spikes: predicted as independent draws (stratified
  /// draws too: the prediction does not model their stratification, docs/deployment.md).
  var copiesDrawTheirOwnInputs: Bool { inputs != .shared }
  /// Input spike vectors drawn per image.
  public let inputDraws: Int
  /// Hidden-layer draws per input vector.
  public let hiddenDraws: Int
  /// Draws per image: `inputDraws` x `hiddenDraws`.
  public var poolSize: Int { inputDraws * hiddenDraws }
  /// The network's layers, each a one-layer network fed binary spike vectors.
  let layers: [ShadowNetwork]
  /// The images, the seed of the pool and the threads its forward passes may use.
  let images: ImageSet
  let seed: UInt64
  let threads: Int
  /// Images whose pool is drawn at once: the pool's generator runs through a chunk's input draws,
  /// then its layers' draws, so the chunk size is part of the draws (512 since the pool exists).
  static let chunk = 512
  /// Rows (pool draws) a layer's forward pass takes at a time.
  static let rowBlock = 2048

  /// A prediction for `images` by sampling through the shadow network, `poolSize` draws per
  /// image: by default 64 input draws of one hidden draw each for independent inputs (every copy
  /// of every tick a fresh input draw, up to 64 of them per frame), 8 input draws of 8 hidden
  /// draws each for shared ones. The pool is drawn by `accuracies`, a chunk of images at a time.
  public init(network trained: TrainedNetwork, images: ImageSet, inputs: InputSampling = .independent, inputDraws: Int? = nil,
    hiddenDraws: Int? = nil, seed: UInt64 = 1, threads: Int = 0)
  {
    let net = trained.network
    let topology = net.topology
    classes = topology.classes
    outputs = topology.outputCount
    classOf = (0..<outputs).map { topology.classOf(output: $0) }
    scale = topology.neuronsPerClass.map { trained.score == .mean ? 1 / Double(max($0, 1)) : 1.0 }
    labels = images.labels
    self.inputs = inputs
    self.inputDraws = inputDraws ?? (inputs != .shared ? 64 : 8)
    self.hiddenDraws = hiddenDraws ?? (inputs != .shared ? 1 : 8)
    let starts = net.layerStarts
    layers = topology.layers.indices.map { l in
      ShadowNetwork(
        topology: Topology(name: "\(topology.name)-layer\(l)", inputRows: 1,
          inputColumns: l == 0 ? topology.inputSize : topology.outputs(ofLayer: l - 1), classes: topology.classes,
          layers: [topology.layers[l]]),
        cores: Array(net.cores[starts[l]..<starts[l + 1]]))
    }
    self.images = images
    self.seed = seed
    self.threads = threads
  }

  /// Draws the pool a chunk of images at a time: `body(first, count, pool)` receives the
  /// class-neuron probabilities x 255 of images `first ..< first + count`, image after image, each
  /// `poolSize` draws of `outputs` values. Only one chunk's pool exists at a time.
  func forEachChunk(_ body: (_ first: Int, _ count: Int, _ pool: [UInt8]) -> Void) {
    let inputSize = layers[0].topology.inputSize
    var rng = SplitMix64(seed: SplitMix64.mix(seed ^ 0x5EED_9001))
    for first in Swift.stride(from: 0, to: images.count, by: Self.chunk) {
      let count = min(Self.chunk, images.count - first)
      let rows = count * poolSize
      // Spike vectors as bytes, a layer's input for every row of the chunk.
      var spikes = [UInt8](repeating: 0, count: rows * inputSize)
      for i in 0..<count {
        let pixels = images.image(first + i)
        // The hidden draws of an input draw share its spikes (shared inputs: the copies of a tick).
        for r in 0..<inputDraws {
          let base = (i * poolSize + r * hiddenDraws) * inputSize
          for (k, p) in pixels.enumerated() where p > 0 && Float(rng.nextUnit()) < p { spikes[base + k] = 1 }
          for h in 1..<max(hiddenDraws, 1) {
            let copy = base + h * inputSize
            for k in 0..<inputSize { spikes[copy + k] = spikes[base + k] }
          }
        }
      }
      var width = inputSize
      for (l, layer) in layers.enumerated() {
        let last = l == layers.count - 1
        let outputs = layer.topology.outputCount
        var next = [UInt8](repeating: 0, count: rows * outputs)
        // Rows a block at a time, in order, so that the generator draws what it drew when the
        // whole chunk went through at once (a multiple of the shadow network's batches of 256).
        for start in Swift.stride(from: 0, to: rows, by: Self.rowBlock) {
          let n = min(Self.rowBlock, rows - start)
          let pixels = spikes[(start * width)..<((start + n) * width)].map { Float($0) }
          let batch = ImageSet(pixels: pixels, labels: [UInt8](repeating: 0, count: n), rows: 1, columns: width)
          let p = layer.outputProbabilities(batch, threads: threads)
          let o = start * outputs
          if last {
            for (k, v) in p.enumerated() { next[o + k] = UInt8((min(max(v, 0), 1) * 255).rounded()) }
          } else {
            for (k, v) in p.enumerated() where Float(rng.nextUnit()) < v { next[o + k] = 1 }
          }
        }
        if last { body(first, count, next) } else { spikes = next }
        width = outputs
      }
    }
  }

  /// The predicted accuracy for `copies` copies read over `spf` ticks: with independent inputs
  /// each copy of each tick its own input draw of the pool; with shared inputs each tick one input
  /// draw shared by every copy, each copy its own hidden draw. Draws the pool (`accuracies`
  /// predicts several points from one pool).
  /// - Parameter samples: draws of the class counts per image.
  public func accuracy(copies: Int, spf: Int, samples: Int = 32, seed: UInt64 = 1,
    progress: ((_ images: Int, _ of: Int) -> Void)? = nil) -> Double
  {
    accuracies([(copies, spf)], samples: samples, seed: seed, progress: progress)[0]
  }

  /// The predicted accuracy of every (copies, spf) point, each what `accuracy` gives for it, from
  /// one drawing of the pool: the points are scored chunk by chunk as the pool is drawn, in
  /// parallel unless `threads` is 1 (each point has its own generator, so the results do not
  /// depend on it).
  /// - Parameter progress: called after each chunk with (images scored, images).
  public func accuracies(_ points: [(copies: Int, spf: Int)], samples: Int = 32, seed: UInt64 = 1,
    progress: ((_ images: Int, _ of: Int) -> Void)? = nil) -> [Double]
  {
    var scores = points.map { PointScore(self, copies: $0.copies, spf: $0.spf, samples: samples, seed: seed) }
    guard !points.isEmpty else { return [] }
    let stride = poolSize * outputs
    forEachChunk { first, count, pool in
      scores.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let states = buffer
        let score = { (p: Int) in
          for i in 0..<count { states[p].score(image: first + i, pool[(i * stride)..<((i + 1) * stride)], self) }
        }
        if threads == 1 || points.count == 1 {
          for p in 0..<points.count { score(p) }
        } else {
          nonisolated(unsafe) let work = score
          DispatchQueue.concurrentPerform(iterations: points.count) { work($0) }
        }
      }
      progress?(first + count, images.count)
    }
    return scores.map { $0.correct / Double(max(labels.count, 1)) }
  }

  /// One point's scoring: its generator, draw orders and normals, and the right answers so far.
  struct PointScore {
    let samples: Int
    let independent: Bool
    let copies: Int
    let spf: Int
    /// Copy-ticks per frame on their own input draws, and copies per input draw.
    let ticks: Int
    let perTick: Int
    let spread: Double
    let exact: Bool
    var rng: SplitMix64
    var counts: [Double]
    var moments: ClassMoments
    var inputsOfFrame: DistinctDraws
    var hiddenOfTick: DistinctDraws
    var momentDraws: DistinctDraws
    /// The sum over the images scored of each one's chance of the right class.
    var correct = 0.0

    init(_ prediction: AccuracyPrediction, copies: Int, spf: Int, samples: Int, seed: UInt64) {
      self.samples = samples
      self.copies = copies
      self.spf = spf
      rng = SplitMix64(seed: SplitMix64.mix(seed ^ 0xACC0_1234))
      counts = [Double](repeating: 0, count: prediction.classes)
      // Independent inputs make a frame one copy read over copies x spf ticks, each on its own
      // input draw; for the normals, one tick of that many copies with the whole pool's moments.
      independent = prediction.copiesDrawTheirOwnInputs
      (ticks, perTick) = independent ? (copies * spf, 1) : (spf, copies)
      moments = independent
        ? ClassMoments(classes: prediction.classes, inputDraws: 1, hiddenDraws: prediction.poolSize)
        : ClassMoments(classes: prediction.classes, inputDraws: prediction.inputDraws, hiddenDraws: prediction.hiddenDraws)
      inputsOfFrame = DistinctDraws(prediction.inputDraws)
      hiddenOfTick = DistinctDraws(prediction.hiddenDraws)
      momentDraws = DistinctDraws(independent ? 1 : prediction.inputDraws)
      // N copy-ticks on fresh input draws have counts of covariance N (B + W), B between draws, W
      // the outputs' Bernoulli noise. The mean N m estimated from the pool's M draws already varies
      // by N^2 B / M from image to image, so the normals add only N B (1 - N / M) of B: the
      // prediction then averages to the chip's accuracy (at N > M it stays too wide by N / M).
      // With shared inputs the same holds within a tick: its N copies' hidden draws around an input
      // draw's mean, estimated from the pool's H hidden draws of it.
      spread = max(0, 1 - Double(independent ? ticks : copies)
        / Double(independent ? prediction.poolSize : prediction.hiddenDraws))
      // Few spikes per frame are drawn one by one; many from normals with the pool's moments.
      exact = copies * spf <= 8
    }

    /// Adds image `image`'s chance of the right class, from its pool draws `q`.
    mutating func score(image: Int, _ q: ArraySlice<UInt8>, _ prediction: AccuracyPrediction) {
      if !exact { moments.fit(q, outputs: prediction.outputs, classOf: prediction.classOf, spread: spread) }
      var hits = 0
      for _ in 0..<samples {
        if exact {
          prediction.drawCounts(q, copies: perTick, spf: ticks, inputs: &inputsOfFrame, hidden: &hiddenOfTick, rng: &rng,
            into: &counts)
        } else {
          moments.draw(copies: independent ? ticks : copies, spf: independent ? 1 : spf, inputs: &momentDraws, rng: &rng,
            into: &counts)
        }
        var best = 0
        for k in 1..<prediction.classes where counts[k] * prediction.scale[k] > counts[best] * prediction.scale[best] {
          best = k
        }
        if best == Int(prediction.labels[image]) { hits += 1 }
      }
      correct += Double(hits) / Double(samples)
    }
  }

  /// Draws one frame's class counts exactly: per tick an input draw of the pool shared by the
  /// copies (distinct ticks, distinct draws), per copy a hidden draw (distinct within a tick), per
  /// output a Bernoulli spike.
  func drawCounts(_ q: ArraySlice<UInt8>, copies: Int, spf: Int, inputs: inout DistinctDraws, hidden: inout DistinctDraws,
    rng: inout SplitMix64, into counts: inout [Double])
  {
    for k in 0..<classes { counts[k] = 0 }
    inputs.restart()
    for _ in 0..<spf {
      let input = inputs.next(&rng)
      hidden.restart()
      for _ in 0..<copies {
        let r = input * hiddenDraws + hidden.next(&rng)
        for j in 0..<outputs where rng.next() >> 56 < UInt64(q[q.startIndex + r * outputs + j]) { counts[classOf[j]] += 1 }
      }
    }
  }

  /// Indices 0..<n drawn without replacement (a partial Fisher-Yates shuffle), starting a fresh
  /// shuffle when all n have been used.
  struct DistinctDraws {
    var order: [Int]
    var used = 0

    init(_ n: Int) { order = Array(0..<max(n, 1)) }

    mutating func restart() { used = 0 }

    mutating func next(_ rng: inout SplitMix64) -> Int {
      if used == order.count { used = 0 }
      let j = used + rng.next(below: order.count - used)
      order.swapAt(used, j)
      used += 1
      return order[used - 1]
    }
  }

  /// Per input draw of one image, the mean and covariance of one copy's class counts in a tick
  /// (over its hidden draws, plus the outputs' Bernoulli noise); a frame's counts are then a sum
  /// of normals, one per tick, on distinct input draws: copies x mean, copies x covariance.
  struct ClassMoments {
    let n: Int
    let inputDraws: Int
    let hiddenDraws: Int
    /// Per input draw: the class means and the lower Cholesky factor of the covariance.
    var mean: [Double]
    var factor: [Double]
    var sums: [Double]
    var z: [Double]
    /// Box-Muller gives two normals; the second is kept for the next call.
    var spare: Double? = nil

    init(classes n: Int, inputDraws: Int, hiddenDraws: Int) {
      self.n = n
      self.inputDraws = inputDraws
      self.hiddenDraws = hiddenDraws
      mean = [Double](repeating: 0, count: inputDraws * n)
      factor = [Double](repeating: 0, count: inputDraws * n * n)
      sums = [Double](repeating: 0, count: hiddenDraws * n)
      z = [Double](repeating: 0, count: n)
    }

    /// The moments of every input draw of one image's pool.
    /// - Parameter spread: the factor of the covariance between hidden draws.
    mutating func fit(_ q: ArraySlice<UInt8>, outputs: Int, classOf: [Int], spread: Double) {
      let h = Double(hiddenDraws)
      for i in 0..<inputDraws {
        let m = i * n
        let f = i * n * n
        for k in 0..<n { mean[m + k] = 0 }
        for k in 0..<(n * n) { factor[f + k] = 0 }
        for d in 0..<hiddenDraws {
          let r = i * hiddenDraws + d
          for k in 0..<n { sums[d * n + k] = 0 }
          for j in 0..<outputs {
            let v = Double(q[q.startIndex + r * outputs + j]) / 255
            sums[d * n + classOf[j]] += v
            factor[f + classOf[j] * n + classOf[j]] += v * (1 - v) / h
          }
          for k in 0..<n { mean[m + k] += sums[d * n + k] / h }
        }
        for d in 0..<hiddenDraws {
          for a in 0..<n {
            let da = sums[d * n + a] - mean[m + a]
            for b in 0..<n { factor[f + a * n + b] += spread * da * (sums[d * n + b] - mean[m + b]) / h }
          }
        }
        factor.withUnsafeMutableBufferPointer { AccuracyPrediction.cholesky($0, offset: f, n) }
      }
    }

    /// One frame's class counts: per tick a distinct input draw's normal, rounded and clamped at 0.
    mutating func draw(copies: Int, spf: Int, inputs: inout DistinctDraws, rng: inout SplitMix64, into counts: inout [Double]) {
      let c = Double(copies)
      let root = c.squareRoot()
      for k in 0..<n { counts[k] = 0 }
      inputs.restart()
      for _ in 0..<spf {
        let i = inputs.next(&rng)
        for k in 0..<n { z[k] = normal(&rng) }
        for a in 0..<n {
          var v = 0.0
          for b in 0...a { v += factor[i * n * n + a * n + b] * z[b] }
          counts[a] += c * mean[i * n + a] + root * v
        }
      }
      for a in 0..<n { counts[a] = max(0, counts[a].rounded()) }
    }

    /// A standard normal draw (Box-Muller, both values used).
    mutating func normal(_ rng: inout SplitMix64) -> Double {
      if let s = spare {
        spare = nil
        return s
      }
      let u = max(rng.nextUnit(), 1e-300)
      let v = rng.nextUnit()
      let radius = (-2 * log(u)).squareRoot()
      spare = radius * sin(2 * Double.pi * v)
      return radius * cos(2 * Double.pi * v)
    }
  }

  /// In-place lower Cholesky factor of the n x n covariance at `offset` (small negative pivots
  /// clamp to 0).
  static func cholesky(_ a: UnsafeMutableBufferPointer<Double>, offset o: Int, _ n: Int) {
    for j in 0..<n {
      var d = a[o + j * n + j]
      for k in 0..<j { d -= a[o + j * n + k] * a[o + j * n + k] }
      let root = d > 1e-12 ? d.squareRoot() : 0
      a[o + j * n + j] = root
      for i in (j + 1)..<max(n, j + 1) {
        var s = a[o + i * n + j]
        for k in 0..<j { s -= a[o + i * n + k] * a[o + j * n + k] }
        a[o + i * n + j] = root > 0 ? s / root : 0
      }
      for i in 0..<j { a[o + i * n + j] = 0 }
    }
  }
}
