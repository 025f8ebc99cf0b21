import TrueNorth

/// What happens to a neuron after integration and leak, in RANC and in tnsim: whether it spikes
/// and its next potential, as a function of the potential V. RANC's import decides on these whole
/// functions, not field by field (docs/interop.md, "RANC neurons").
///
/// Both rules are piecewise over V with pieces that are constant or V plus a constant, cut only at
/// the thresholds, so two rules agree at every potential when they agree at two points of every
/// piece; `highestDifference` finds the highest potential at which two rules differ that way.
enum RANCNeuronRule {
  /// The potentials compared: every value of RANC's C `int`.
  static let potentials = Int64(Int32.min)...Int64(Int32.max)

  /// RANC's rule (`NeuronBlock::spikes` and `output_potential`): spike when V >= the positive
  /// threshold, else the negative test (V < neg, or V <= neg with `neuron_reset_type` 1).
  struct RANC: Sendable, Equatable {
    var positiveThreshold: Int64
    var negativeThreshold: Int64
    var resetPotential: Int64
    /// reset_mode 1: subtract the threshold; 0: set to +-reset_potential.
    var linearReset: Bool
    /// neuron_reset_type 1: the negative test is V <= neg.
    var inclusive: Bool

    func step(_ v: Int64) -> (spike: Bool, next: Int64) {
      if v >= positiveThreshold { return (true, linearReset ? v - positiveThreshold : resetPotential) }
      if inclusive ? v <= negativeThreshold : v < negativeThreshold {
        return (false, linearReset ? v - negativeThreshold : -resetPotential)
      }
      return (false, v)
    }

    /// Where a piece of the rule starts.
    var cuts: [Int64] { [positiveThreshold, inclusive ? negativeThreshold + 1 : negativeThreshold] }
  }

  /// tnsim's deterministic rule (docs/neuron-model.md, TM = 0): spike when V >= alpha, else below
  /// -beta saturate at -beta (kappa) or reset by gamma.
  struct TNSim: Sendable, Equatable {
    var alpha: Int64
    var beta: Int64
    var gamma: ResetMode
    var resetPotential: Int64
    var kappa: Bool

    func step(_ v: Int64) -> (spike: Bool, next: Int64) {
      if v >= alpha {
        switch gamma {
        case .normal: return (true, resetPotential)
        case .linear: return (true, v - alpha)
        case .none: return (true, v)
        }
      }
      if v < -beta {
        if kappa { return (false, -beta) }
        switch gamma {
        case .normal: return (false, -resetPotential)
        case .linear: return (false, v + beta)
        case .none: return (false, v)
        }
      }
      return (false, v)
    }

    var cuts: [Int64] { [alpha, -beta] }
  }

  /// The outcome of matching a RANC neuron: tnsim's parameters that behave the same at every
  /// potential, or the closest ones and where they first differ.
  enum Match: Sendable, Equatable {
    case exact(TNSim)
    /// No tnsim neuron behaves the same. `closest` agrees with RANC at every potential above
    /// `potential` (the highest at which they differ), where RANC gives `ranc`, tnsim `tnsim`.
    case differs(closest: TNSim, potential: Int64, ranc: Int64, tnsim: Int64)
  }

  /// The tnsim neuron (gamma = reset_mode, alpha and R as in RANC, TM = 0) that behaves like
  /// `ranc` at every potential: the first candidate beta and kappa that does, trying first the
  /// field-by-field reading (beta = -neg, or -neg - 1 with V <= neg) and kappa = 1 before 0 for
  /// gamma 0 (the same behaviour when R = beta), so that an exported neuron imports unchanged.
  static func match(_ ranc: RANC) -> Match {
    let n = ranc.negativeThreshold, r = ranc.resetPotential, a = ranc.positiveThreshold
    let natural = ranc.inclusive ? -n - 1 : -n
    // The negative region of a tnsim neuron can only start where RANC's does, or where a reset
    // meets a piece of RANC's rule: at a threshold or +-R, give or take one.
    var betas: [Int64] = []
    for b in [natural, -n, -n - 1, 0, -n + 1, r, -r, r + 1, r - 1, -a, -a + 1, -a - 1]
    where b >= 0 && b <= Int64(Int32.max) && !betas.contains(b) {
      betas.append(b)
    }
    let gamma: ResetMode = ranc.linearReset ? .linear : .normal
    var best: (TNSim, Int64)?
    for beta in betas {
      for kappa in gamma == .normal ? [true, false] : [false, true] {
        let t = TNSim(alpha: a, beta: beta, gamma: gamma, resetPotential: r, kappa: kappa)
        guard let v = highestDifference(ranc.step, t.step, cuts: ranc.cuts + t.cuts) else { return .exact(t) }
        if best.map({ v < $0.1 }) ?? true { best = (t, v) }
      }
    }
    // `betas` always holds 0 or -n, so there was a candidate.
    let (t, v) = best ?? (TNSim(alpha: a, beta: 0, gamma: gamma, resetPotential: r, kappa: false), potentials.upperBound)
    return .differs(closest: t, potential: v, ranc: ranc.step(v).next, tnsim: t.step(v).next)
  }

  /// The highest potential at which `f` and `g` give a different spike or next potential, or nil
  /// when they agree at every potential. Both must be constant or V plus a constant between
  /// consecutive `cuts` (a cut is where a piece starts).
  /// - Complexity: O(k log k) in the number of cuts.
  static func highestDifference(
    _ f: (Int64) -> (spike: Bool, next: Int64), _ g: (Int64) -> (spike: Bool, next: Int64), cuts: [Int64]
  ) -> Int64? {
    let starts = Set(cuts.filter { $0 > potentials.lowerBound && $0 <= potentials.upperBound } + [potentials.lowerBound]).sorted()
    for k in starts.indices.reversed() {
      let lo = starts[k], hi = k + 1 < starts.count ? starts[k + 1] - 1 : potentials.upperBound
      if f(lo).spike != g(lo).spike { return hi }
      // h = f - g is h(lo) + s (V - lo) on [lo, hi], with s in -1...1.
      let h0 = f(lo).next - g(lo).next
      if lo == hi {
        if h0 != 0 { return hi }
        continue
      }
      let s = (f(lo + 1).next - g(lo + 1).next) - h0
      if h0 + s * (hi - lo) != 0 { return hi }
      if s != 0 { return hi - 1 }
    }
    return nil
  }
}
