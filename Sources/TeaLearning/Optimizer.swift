import Foundation

/// The optimiser that turns gradients into parameter updates.
public enum OptimizerKind: String, Sendable, Codable, CaseIterable {
  /// Adam (Kingma and Ba 2015) with bias correction; beta1 0.9, beta2 0.999, epsilon 1e-8.
  case adam
  /// Stochastic gradient descent with (heavy-ball) momentum.
  case sgd
}

/// How the learning rate changes over the run.
public enum LearningRateSchedule: String, Sendable, Codable, CaseIterable {
  /// The same rate at every step.
  case constant
  /// Cosine annealing from the rate at step 0 to 2% of it at the last step.
  case cosine

  /// The factor applied to the base rate at `step` of `total`.
  public func factor(step: Int, total: Int) -> Float {
    switch self {
    case .constant: return 1
    case .cosine:
      let t = total > 1 ? Double(step) / Double(total - 1) : 0
      return Float(0.02 + 0.98 * 0.5 * (1 + cos(Double.pi * min(t, 1))))
    }
  }
}

/// An optimiser with its state (moments and step count), which checkpoints carry so that a
/// resumed run continues exactly.
public struct Optimizer: Sendable, Equatable {
  /// Adam or SGD.
  public var kind: OptimizerKind
  /// SGD momentum (ignored by Adam).
  public var momentum: Float
  /// Adam's first moment, or SGD's velocity.
  public var first: ParameterGradient
  /// Adam's second moment (zeros for SGD).
  public var second: ParameterGradient
  /// Steps taken.
  public var steps: Int

  static let beta1: Float = 0.9
  static let beta2: Float = 0.999
  static let epsilon: Float = 1e-8

  /// A fresh optimiser for `network`.
  public init(kind: OptimizerKind, momentum: Float = 0.9, network: ShadowNetwork) {
    self.kind = kind
    self.momentum = momentum
    first = ParameterGradient(zeroLike: network)
    second = ParameterGradient(zeroLike: network)
    steps = 0
  }

  /// Applies one update: connections with rate `rate`, leaks with `leakRate`.
  public mutating func step(_ network: inout ShadowNetwork, gradient: ParameterGradient, rate: Float, leakRate: Float) {
    steps += 1
    switch kind {
    case .adam:
      let b1 = Self.beta1
      let b2 = Self.beta2
      let c1 = 1 - Float(pow(Double(b1), Double(steps)))
      let c2 = 1 - Float(pow(Double(b2), Double(steps)))
      for k in network.cores.indices {
        Self.adam(&network.cores[k].connections, gradient.cores[k].connections, &first.cores[k].connections,
          &second.cores[k].connections, rate: rate, c1: c1, c2: c2)
        Self.adam(&network.cores[k].leaks, gradient.cores[k].leaks, &first.cores[k].leaks, &second.cores[k].leaks,
          rate: leakRate, c1: c1, c2: c2)
      }
    case .sgd:
      for k in network.cores.indices {
        Self.sgd(&network.cores[k].connections, gradient.cores[k].connections, &first.cores[k].connections, rate: rate, momentum: momentum)
        Self.sgd(&network.cores[k].leaks, gradient.cores[k].leaks, &first.cores[k].leaks, rate: leakRate, momentum: momentum)
      }
    }
  }

  private static func adam(_ p: inout [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float], rate: Float, c1: Float, c2: Float) {
    let b1 = beta1
    let b2 = beta2
    for i in p.indices {
      let gi = g[i]
      m[i] = b1 * m[i] + (1 - b1) * gi
      v[i] = b2 * v[i] + (1 - b2) * gi * gi
      p[i] -= rate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
    }
  }

  private static func sgd(_ p: inout [Float], _ g: [Float], _ m: inout [Float], rate: Float, momentum: Float) {
    for i in p.indices {
      m[i] = momentum * m[i] + g[i]
      p[i] -= rate * m[i]
    }
  }
}
