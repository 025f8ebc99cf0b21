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
/// counts class spikes over them (exact Bernoulli draws when few, a normal with the pool's class
/// means and covariance when many), applies the chip's readout rule (most spikes, per neuron for a
/// mean score, ties to the lowest class) and averages the chance of the right class. Deterministic
/// in the seed; it ignores that a copy keeps its sampled synapses from tick to tick.
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
  /// Input spike vectors drawn per image, and hidden-layer draws per input vector.
  public let inputDraws: Int
  /// Hidden-layer draws per input vector.
  public let hiddenDraws: Int
  /// Draws per image: `inputDraws` x `hiddenDraws`.
  public var poolSize: Int { inputDraws * hiddenDraws }
  /// Class-neuron probabilities x 255 for each image and pool draw.
  let pool: [UInt8]

  /// Builds the pool by sampling through the shadow network, `poolSize` draws per image.
  public init(network trained: TrainedNetwork, images: ImageSet, inputDraws: Int = 6, hiddenDraws: Int = 4, seed: UInt64 = 1,
    threads: Int = 0)
  {
    let net = trained.network
    let topology = net.topology
    classes = topology.classes
    outputs = topology.outputCount
    classOf = (0..<outputs).map { topology.classOf(output: $0) }
    scale = topology.neuronsPerClass.map { trained.score == .mean ? 1 / Double(max($0, 1)) : 1.0 }
    labels = images.labels
    self.inputDraws = inputDraws
    self.hiddenDraws = hiddenDraws
    let poolSize = inputDraws * hiddenDraws
    // One single-layer network per layer, fed binary spike vectors.
    let starts = net.layerStarts
    let layers = topology.layers.indices.map { l in
      ShadowNetwork(
        topology: Topology(name: "\(topology.name)-layer\(l)", inputRows: 1,
          inputColumns: l == 0 ? topology.inputSize : topology.outputs(ofLayer: l - 1), classes: topology.classes,
          layers: [topology.layers[l]]),
        cores: Array(net.cores[starts[l]..<starts[l + 1]]))
    }
    var rng = SplitMix64(seed: SplitMix64.mix(seed ^ 0x5EED_9001))
    var pool = [UInt8](repeating: 0, count: images.count * poolSize * outputs)
    let chunk = 512
    for first in Swift.stride(from: 0, to: images.count, by: chunk) {
      let count = min(chunk, images.count - first)
      var spikes = [Float](repeating: 0, count: count * poolSize * topology.inputSize)
      for i in 0..<count {
        let pixels = images.image(first + i)
        // All copies see the same input spikes in a tick: hidden draws share their input draw.
        for r in 0..<inputDraws {
          let base = (i * poolSize + r * hiddenDraws) * topology.inputSize
          for (k, p) in pixels.enumerated() where p > 0 && Float(rng.nextUnit()) < p { spikes[base + k] = 1 }
          for h in 1..<max(hiddenDraws, 1) {
            let copy = base + h * topology.inputSize
            for k in 0..<topology.inputSize { spikes[copy + k] = spikes[base + k] }
          }
        }
      }
      var width = topology.inputSize
      for (l, layer) in layers.enumerated() {
        let batch = ImageSet(pixels: spikes, labels: [UInt8](repeating: 0, count: count * poolSize), rows: 1, columns: width)
        let p = layer.outputProbabilities(batch, threads: threads)
        width = topology.outputs(ofLayer: l)
        if l == layers.count - 1 {
          for (k, v) in p.enumerated() { pool[first * poolSize * outputs + k] = UInt8((min(max(v, 0), 1) * 255).rounded()) }
        } else {
          spikes = p.map { Float(rng.nextUnit()) < $0 ? 1 : 0 }
        }
      }
    }
    self.pool = pool
  }

  /// The predicted accuracy for `copies` copies read over `spf` ticks: each tick one input draw
  /// shared by every copy, each copy its own hidden draw.
  /// - Parameter samples: draws of the class counts per image.
  public func accuracy(copies: Int, spf: Int, samples: Int = 32, seed: UInt64 = 1) -> Double {
    var rng = SplitMix64(seed: SplitMix64.mix(seed ^ 0xACC0_1234))
    var correct = 0.0
    var counts = [Double](repeating: 0, count: classes)
    var moments = ClassMoments(classes: classes, inputDraws: inputDraws, hiddenDraws: hiddenDraws)
    // Few spikes per frame are drawn one by one; many from a normal with the pool's moments.
    let exact = copies * spf <= 8
    for image in labels.indices {
      let q = pool[(image * poolSize * outputs)..<((image + 1) * poolSize * outputs)]
      if !exact { moments.fit(q, outputs: outputs, classOf: classOf, copies: copies, spf: spf) }
      var hits = 0
      for _ in 0..<samples {
        if exact {
          drawCounts(q, copies: copies, spf: spf, rng: &rng, into: &counts)
        } else {
          moments.draw(rng: &rng, into: &counts)
        }
        var best = 0
        for k in 1..<classes where counts[k] * scale[k] > counts[best] * scale[best] { best = k }
        if best == Int(labels[image]) { hits += 1 }
      }
      correct += Double(hits) / Double(samples)
    }
    return correct / Double(max(labels.count, 1))
  }

  /// Draws one frame's class counts exactly: per tick an input draw of the pool shared by the
  /// copies, per copy a hidden draw, per output a Bernoulli spike.
  func drawCounts(_ q: ArraySlice<UInt8>, copies: Int, spf: Int, rng: inout SplitMix64, into counts: inout [Double]) {
    for k in 0..<classes { counts[k] = 0 }
    for _ in 0..<spf {
      let input = rng.next(below: inputDraws)
      for _ in 0..<copies {
        let r = input * hiddenDraws + rng.next(below: hiddenDraws)
        for j in 0..<outputs where rng.next() >> 56 < UInt64(q[q.startIndex + r * outputs + j]) { counts[classOf[j]] += 1 }
      }
    }
  }

  /// The mean and covariance of a frame's class counts over `copies` x `spf` pool draws of one
  /// image, and normal draws from them.
  struct ClassMoments {
    let n: Int
    let inputDraws: Int
    let hiddenDraws: Int
    var poolSize: Int { inputDraws * hiddenDraws }
    /// The count's expectation c t mean and the lower Cholesky factor of its covariance.
    var mean: [Double]
    var cov: [Double]
    var sums: [Double]
    var inputMean: [Double]
    var z: [Double]
    var scaleOfMean = 0.0

    init(classes n: Int, inputDraws: Int, hiddenDraws: Int) {
      self.n = n
      self.inputDraws = inputDraws
      self.hiddenDraws = hiddenDraws
      mean = [Double](repeating: 0, count: n)
      cov = [Double](repeating: 0, count: n * n)
      sums = [Double](repeating: 0, count: inputDraws * hiddenDraws * n)
      inputMean = [Double](repeating: 0, count: inputDraws * n)
      z = [Double](repeating: 0, count: n)
    }

    /// Class sums per draw; the count of a tick is copies hidden draws on one input draw, so its
    /// covariance is copies^2 x (between input draws) + copies x (within, plus Bernoulli noise).
    mutating func fit(_ q: ArraySlice<UInt8>, outputs: Int, classOf: [Int], copies: Int, spf: Int) {
      let c = Double(copies), t = Double(spf)
      scaleOfMean = c * t
      for k in 0..<(n * n) { cov[k] = 0 }
      for k in 0..<n { mean[k] = 0 }
      for k in 0..<(inputDraws * n) { inputMean[k] = 0 }
      for r in 0..<poolSize {
        for k in 0..<n { sums[r * n + k] = 0 }
        for j in 0..<outputs {
          let v = Double(q[q.startIndex + r * outputs + j]) / 255
          sums[r * n + classOf[j]] += v
          cov[classOf[j] * n + classOf[j]] += c * t * v * (1 - v) / Double(poolSize)
        }
        for k in 0..<n {
          inputMean[(r / hiddenDraws) * n + k] += sums[r * n + k] / Double(hiddenDraws)
          mean[k] += sums[r * n + k] / Double(poolSize)
        }
      }
      for r in 0..<poolSize {
        let i = r / hiddenDraws
        for a in 0..<n {
          for b in 0..<n {
            cov[a * n + b] += c * t * (sums[r * n + a] - inputMean[i * n + a]) * (sums[r * n + b] - inputMean[i * n + b]) / Double(poolSize)
          }
        }
      }
      for i in 0..<inputDraws {
        for a in 0..<n {
          for b in 0..<n {
            cov[a * n + b] += c * c * t * (inputMean[i * n + a] - mean[a]) * (inputMean[i * n + b] - mean[b]) / Double(inputDraws)
          }
        }
      }
      AccuracyPrediction.cholesky(&cov, n)
    }

    /// One normal draw of the class counts, rounded and clamped at 0.
    mutating func draw(rng: inout SplitMix64, into counts: inout [Double]) {
      for k in 0..<n { z[k] = AccuracyPrediction.normal(&rng) }
      for a in 0..<n {
        var v = scaleOfMean * mean[a]
        for b in 0...a { v += cov[a * n + b] * z[b] }
        counts[a] = max(0, v.rounded())
      }
    }
  }

  /// In-place lower Cholesky factor of an n x n covariance (small negative pivots clamp to 0).
  static func cholesky(_ a: inout [Double], _ n: Int) {
    for j in 0..<n {
      var d = a[j * n + j]
      for k in 0..<j { d -= a[j * n + k] * a[j * n + k] }
      let root = d > 1e-12 ? d.squareRoot() : 0
      a[j * n + j] = root
      for i in (j + 1)..<max(n, j + 1) {
        var s = a[i * n + j]
        for k in 0..<j { s -= a[i * n + k] * a[j * n + k] }
        a[i * n + j] = root > 0 ? s / root : 0
      }
      for i in 0..<j { a[i * n + j] = 0 }
    }
  }

  /// A standard normal draw (Box-Muller).
  static func normal(_ rng: inout SplitMix64) -> Double {
    let u = max(rng.nextUnit(), 1e-300)
    let v = rng.nextUnit()
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
  }
}
