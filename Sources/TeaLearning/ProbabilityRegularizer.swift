/// Probability-biased regularisation (Wen et al., DAC 2016): the penalty
/// `lambda * sum | |c - a| - b |` over every connection probability, which with a = b = 0.5 is
/// zero at c = 0 and c = 1 and largest at 0.5. It pushes connections to be binary, so that one
/// sampled deployment is close to the trained network (less deployment variance).
///
/// `tnsim train --plugin probreg:lambda=X,a=A,b=B` (docs/plugins.md).
public struct ProbabilityRegularizer: TrainingPlugin, Sendable {
  /// The weight of the penalty against the mean data loss.
  public var lambda: Double
  /// The centre and the half-width of the penalty's peak.
  public var a: Double
  /// The half-width of the penalty's peak.
  public var b: Double

  /// A regulariser with the given weight and shape.
  public init(lambda: Double, a: Double = 0.5, b: Double = 0.5) {
    self.lambda = lambda
    self.a = a
    self.b = b
  }

  /// The default weight, 1e-6: on mnist-5core with the default Gaussian loss it costs 0.01 points
  /// of shadow accuracy and halves the connections strictly between 0.1 and 0.9 (34.7% to
  /// 17.6%), and one copy reaches the unregularised 16-copy accuracy at 4 spf instead of 8
  /// (docs/plugins.md). 1e-4 cost 6.85 points at 1 copy x 1 spf.
  public static let defaultLambda = 1e-6

  /// From `probreg:lambda=X,a=A,b=B` (defaults lambda `defaultLambda`, a = b = 0.5).
  /// - Throws: `PluginSpecError` naming the setting that is unknown or out of range.
  public init(_ spec: PluginSpec) throws(PluginSpecError) {
    try spec.check(known: ["lambda", "a", "b"])
    self.init(
      lambda: try spec.double("lambda", default: Self.defaultLambda, in: 0...1e6), a: try spec.double("a", default: 0.5, in: -10...10),
      b: try spec.double("b", default: 0.5, in: 0...10))
  }

  /// `probreg`.
  public var name: String { "probreg" }

  /// The penalty of one connection, | |c - a| - b | (without lambda).
  public static func penalty(_ c: Double, a: Double, b: Double) -> Double { abs(abs(c - a) - b) }

  /// Its derivative in c: sign(|c - a| - b) * sign(c - a), 0 at the kinks.
  public static func derivative(_ c: Double, a: Double, b: Double) -> Double {
    func sign(_ v: Double) -> Double { v > 0 ? 1 : (v < 0 ? -1 : 0) }
    return sign(abs(c - a) - b) * sign(c - a)
  }

  /// The whole penalty, lambda included, summed core by core.
  public func value(_ network: ShadowNetwork) -> Double {
    var total = 0.0
    for core in network.cores {
      for c in core.connections { total += Self.penalty(Double(c), a: a, b: b) }
    }
    return lambda * total
  }

  /// Adds the penalty's gradient to `gradient` and returns its value.
  public mutating func regularize(_ network: ShadowNetwork, gradient: inout ParameterGradient, context: StepContext) -> Double {
    guard lambda != 0 else { return 0 }
    var total = 0.0
    for k in network.cores.indices {
      let c = network.cores[k].connections
      for i in c.indices {
        let v = Double(c[i])
        total += Self.penalty(v, a: a, b: b)
        gradient.cores[k].connections[i] += Float(lambda * Self.derivative(v, a: a, b: b))
      }
    }
    return lambda * total
  }
}

/// A histogram of every connection probability of a network, in `bins` equal bins over [0, 1]
/// (the last bin includes 1).
public func connectionHistogram(_ network: ShadowNetwork, bins: Int) -> [Int] {
  var h = [Int](repeating: 0, count: bins)
  for core in network.cores {
    for c in core.connections { h[min(bins - 1, max(0, Int(Double(c) * Double(bins))))] += 1 }
  }
  return h
}
