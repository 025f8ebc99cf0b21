import Foundation

/// The Tea neuron of the shadow network: a Gaussian approximation of the probability that a
/// memoryless TrueNorth neuron (threshold 0, no reset state) fires in a tick.
///
/// With input spike probabilities `x_i`, connection probabilities `c_i`, integer weights `s_i`
/// and leak `b`:
///
///     mu     = b + sum_i x_i c_i s_i
///     sigma2 = sum_i x_i c_i (1 - x_i c_i) s_i^2
///     P      = 1/2 (1 + erf(mu / sqrt(2 (sigma2 + epsilon))))
///
/// `epsilon` (``varianceFloor``) keeps the function smooth where no input can be active
/// (sigma2 = 0); there it is a steep step at mu = 0 (width ~0.01), the spec's "1 if mu >= 0 else
/// 0" except within 0.03 of mu = 0.
public enum GaussianNeuron {
  /// The epsilon added to sigma2: the variance of a standard deviation floor of 0.01.
  public static let varianceFloor: Float = 1e-4

  /// The spike probability and its partial derivatives.
  /// - Returns: `p` = P, `dMu` = dP/dmu, `dSigma2` = dP/dsigma2 (negative sigma2, a rounding
  ///   artefact of computing it as a difference of sums, is treated as 0).
  @inline(__always)
  public static func evaluate(mu: Float, sigma2: Float) -> (p: Float, dMu: Float, dSigma2: Float) {
    let v = max(sigma2, 0) + varianceFloor
    let s = v.squareRoot()
    let z = mu / s
    let p = 0.5 * (1 + erf(z * 0.707_106_77))
    let phi = exp(-0.5 * z * z) * 0.398_942_3
    let dMu = phi / s
    return (p, dMu, -0.5 * dMu * z / s)
  }

  /// The spike probability alone, without the derivatives' exponential: the `p` of
  /// ``evaluate(mu:sigma2:)`` to the bit (the same operations in the same order).
  @inline(__always)
  public static func probability(mu: Float, sigma2: Float) -> Float {
    let v = max(sigma2, 0) + varianceFloor
    let z = mu / v.squareRoot()
    return 0.5 * (1 + erf(z * 0.707_106_77))
  }
}
