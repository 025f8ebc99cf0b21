import Foundation

/// The training loss on the class neurons (the last layer's spike probabilities).
public enum LossFunction: String, Sendable, Codable, CaseIterable {
  /// RANC: a softmax over each class's summed spike probabilities (its expected spike count),
  /// times `softmaxScale`, then cross-entropy. The score of a class is its summed probability.
  case softmax
  /// pytruenorth: for each class, the probability that the mean spike of its neurons exceeds 0.5
  /// (a Gaussian over the class's neurons: mean m = mean P, variance sum P(1-P) / n^2), then a
  /// binary cross-entropy per class (the true class should exceed 0.5, the others not). The score
  /// of a class is its mean spike probability.
  case gaussian
}

/// The constants and the stable log of the normal CDF that the per-sample loss
/// (`_BatchEngine.sampleLoss`) uses.
enum _Loss {
  static let gaussianFloor = 1e-6

  /// log Phi(z) and d/dz log Phi(z), stable for very negative z.
  @inline(__always)
  static func logPhi(_ z: Double) -> (value: Double, slope: Double) {
    if z > -30 {
      let p = 0.5 * erfc(-z * 0.707_106_781_186_547_6)
      let phi = exp(-0.5 * z * z) * 0.398_942_280_401_432_7
      return (log(p), phi / p)
    }
    let z2 = z * z
    let value = -0.5 * z2 - log(-z) - 0.918_938_533_204_672_8 + log(1 - 1 / z2 + 3 / (z2 * z2))
    return (value, -z / (1 - 1 / z2 + 3 / (z2 * z2)))
  }
}
