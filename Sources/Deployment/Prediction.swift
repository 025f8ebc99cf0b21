import Foundation
import TeaLearning
import TrueNorth

/// The deployed accuracy predicted from the shadow network alone, without simulating the chip.
///
/// For each image the shadow network gives every class neuron's spike probability q_j per tick. A
/// deployment with N copies read over spf ticks counts, for class k, the spikes of N * spf * (its
/// neurons) draws; the prediction treats them as independent Bernoulli(q_j) draws, samples the
/// class counts (exactly as sums of Bernoulli draws when small, from the normal distribution with
/// the exact mean and variance when large), applies the chip's readout rule (most spikes, per
/// neuron for a mean score, ties to the lowest class) and averages the chance of the right class
/// over images and samples. Deterministic in `seed`.
public struct AccuracyPrediction: Sendable {
  public let classes: Int
  public let neuronsPerClass: [Int]
  public let classOf: [Int]
  public let score: ClassScore
  /// Class-neuron probabilities, image after image.
  public let probabilities: [Float]
  public let labels: [UInt8]

  /// Runs the shadow network once over `images`.
  public init(network trained: TrainedNetwork, images: ImageSet, threads: Int = 0) {
    let topology = trained.network.topology
    classes = topology.classes
    neuronsPerClass = topology.neuronsPerClass
    classOf = (0..<topology.outputCount).map { topology.classOf(output: $0) }
    score = trained.score
    probabilities = trained.network.outputProbabilities(images, threads: threads)
    labels = images.labels
  }

  /// The predicted accuracy for `copies` copies read over `spf` ticks.
  /// - Parameter samples: draws of the class counts per image.
  public func accuracy(copies: Int, spf: Int, samples: Int = 32, seed: UInt64 = 1) -> Double {
    let outputs = classOf.count
    let draws = copies * spf
    var rng = SplitMix64(seed: SplitMix64.mix(seed ^ 0xACC0_1234))
    var correct = 0.0
    var mean = [Double](repeating: 0, count: classes)
    var variance = [Double](repeating: 0, count: classes)
    var counts = [Double](repeating: 0, count: classes)
    let scale = neuronsPerClass.map { score == .mean ? 1 / Double(max($0, 1)) : 1.0 }
    let exact = draws * (outputs / max(classes, 1)) <= 64
    for image in 0..<labels.count {
      let q = probabilities[(image * outputs)..<((image + 1) * outputs)]
      for k in 0..<classes { mean[k] = 0; variance[k] = 0 }
      for (j, p) in zip(0..<outputs, q) {
        let v = Double(p)
        mean[classOf[j]] += Double(draws) * v
        variance[classOf[j]] += Double(draws) * v * (1 - v)
      }
      var hits = 0
      for _ in 0..<samples {
        if exact {
          for k in 0..<classes { counts[k] = 0 }
          for (j, p) in zip(0..<outputs, q) {
            for _ in 0..<draws where Float(rng.nextUnit()) < p { counts[classOf[j]] += 1 }
          }
        } else {
          for k in 0..<classes {
            counts[k] = max(0, (mean[k] + variance[k].squareRoot() * Self.normal(&rng)).rounded())
          }
        }
        var best = 0
        for k in 1..<classes where counts[k] * scale[k] > counts[best] * scale[best] { best = k }
        if best == Int(labels[image]) { hits += 1 }
      }
      correct += Double(hits) / Double(samples)
    }
    return correct / Double(max(labels.count, 1))
  }

  /// A standard normal draw (Box-Muller).
  static func normal(_ rng: inout SplitMix64) -> Double {
    let u = max(rng.nextUnit(), 1e-300)
    let v = rng.nextUnit()
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
  }
}

