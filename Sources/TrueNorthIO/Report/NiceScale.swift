import Foundation

/// An axis with "nice" tick values: steps of 1, 2 or 5 times a power of ten, the axis widened to
/// whole steps (so 0...97 becomes 0...100 in steps of 20), whole numbers only for counts.
public struct NiceScale: Sendable, Equatable {
  /// The axis's lower end (a multiple of `step`).
  public var lower: Double
  /// The axis's upper end (a multiple of `step`).
  public var upper: Double
  /// The distance between ticks.
  public var step: Double

  /// A scale covering `low...high` with about `ticks` ticks (at most about twice that).
  /// - Parameters:
  ///   - integer: the values are counts: steps are whole numbers (at least 1).
  ///   - fromZero: the axis starts at 0 (when the data are not negative), as for counts and
  ///     shares of a histogram.
  public init(low: Double, high: Double, ticks: Int = 5, integer: Bool = false, fromZero: Bool = false) {
    var lo = low.isFinite ? low : 0, hi = high.isFinite ? high : 1
    if lo > hi { swap(&lo, &hi) }
    if fromZero && lo > 0 { lo = 0 }
    if hi - lo < 1e-12 {
      let pad = integer ? 1 : max(abs(hi) * 0.1, 0.5)
      hi += pad
      if !(fromZero && lo == 0) { lo -= pad }
    }
    var step = Self.niceStep((hi - lo) / Double(max(ticks, 1)))
    if integer { step = max(1, step.rounded(.up)) }
    self.step = step
    // The tolerance keeps a bound already on a step (0, 100) from widening by a whole step.
    lower = Self.clean((lo / step + 1e-9).rounded(.down) * step)
    upper = Self.clean((hi / step - 1e-9).rounded(.up) * step)
  }

  /// The smallest of 1, 2, 5 x 10^k that is at least `rough`.
  public static func niceStep(_ rough: Double) -> Double {
    guard rough > 0, rough.isFinite else { return 1 }
    let power = pow(10, (log10(rough)).rounded(.down))
    for m in [1.0, 2, 5, 10] where m * power >= rough * (1 - 1e-9) { return m * power }
    return 10 * power
  }

  /// The tick values from `lower` to `upper`.
  public var ticks: [Double] {
    let n = Int(((upper - lower) / step).rounded())
    return (0...max(n, 0)).map { Self.clean(lower + Double($0) * step) }
  }

  /// A tick value as text with as many decimals as the step needs (`0.05` -> 2, `20` -> 0).
  public func label(_ v: Double) -> String { Self.format(v, step: step) }

  /// `v` with the decimals that `step` needs.
  public static func format(_ v: Double, step: Double) -> String {
    let decimals = step >= 1 ? 0 : min(6, Int((-log10(step) - 1e-9).rounded(.up)))
    let text = String(format: "%.\(decimals)f", clean(v))
    return text == "-0" ? "0" : text
  }

  /// A data value as short text: three significant digits, no exponent for 0.001 ... 10^7,
  /// trailing zeros removed (`0.471`, `16`, `1.5e-05`).
  public static func short(_ v: Double) -> String {
    if v == 0 { return "0" }
    let a = abs(v)
    if a >= 1e-3 && a < 1e7 {
      let decimals = max(0, 2 - Int(log10(a).rounded(.down)))
      var s = String(format: "%.\(decimals)f", v)
      if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
      }
      return s
    }
    return String(format: "%.3g", v)
  }

  /// Rounds away the error of adding steps (0.30000000000000004 -> 0.3).
  static func clean(_ v: Double) -> Double { (v * 1e9).rounded() / 1e9 }
}
