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

/// The per-sample loss and its gradient, written for speed (no allocation) and used by the
/// trainer's batch engine; the test suite checks it against finite differences.
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

  /// The loss of one sample and the class with the highest score.
  ///
  /// - Parameters:
  ///   - p: the `count` class-neuron probabilities; neuron `j` votes for `j % classes`.
  ///   - grad: when not nil, receives `gradScale * dLoss/dp_j` for every `j`.
  ///   - work: scratch of at least `3 * classes` Doubles.
  static func sample(
    _ function: LossFunction, softmaxScale: Double, p: UnsafePointer<Float>, count: Int, classes: Int, perClass: UnsafePointer<Int>,
    label: Int, grad: UnsafeMutablePointer<Float>?, gradScale: Float, work: UnsafeMutablePointer<Double>
  ) -> (loss: Double, predicted: Int) {
    let sum = work
    let second = work + classes
    let dz = work + 2 * classes
    for k in 0..<classes {
      sum[k] = 0
      second[k] = 0
    }
    for j in 0..<count {
      let v = Double(p[j])
      sum[j % classes] += v
      second[j % classes] += v * (1 - v)
    }
    var predicted = 0
    var best = -Double.infinity
    var loss = 0.0
    switch function {
    case .softmax:
      var top = -Double.infinity
      for k in 0..<classes {
        if sum[k] > best {
          best = sum[k]
          predicted = k
        }
        top = max(top, softmaxScale * sum[k])
      }
      var total = 0.0
      for k in 0..<classes {
        dz[k] = exp(softmaxScale * sum[k] - top)
        total += dz[k]
      }
      loss = -(softmaxScale * sum[label] - top - log(total))
      if let grad {
        for k in 0..<classes { dz[k] = softmaxScale * (dz[k] / total - (k == label ? 1 : 0)) }
        for j in 0..<count { grad[j] = gradScale * Float(dz[j % classes]) }
      }
    case .gaussian:
      for k in 0..<classes {
        let n = Double(perClass[k])
        let m = sum[k] / n
        if m > best {
          best = m
          predicted = k
        }
        let sd = (second[k] / (n * n) + gaussianFloor).squareRoot()
        let z = (m - 0.5) / sd
        // For the true class -log Phi(z); for the others -log Phi(-z).
        let (value, slope) = logPhi(k == label ? z : -z)
        loss -= value
        let dLdz = k == label ? -slope : slope
        // dz/dp_j = 1/(n sd) - z (1 - 2 p_j) / (2 n^2 sd^2): keep the two factors per class.
        sum[k] = dLdz / (n * sd)
        second[k] = -dLdz * z / (2 * n * n * sd * sd)
      }
      if let grad {
        for j in 0..<count {
          let k = j % classes
          grad[j] = gradScale * Float(sum[k] + second[k] * (1 - 2 * Double(p[j])))
        }
      }
    }
    return (loss, predicted)
  }
}
