import Foundation

/// One sample's distillation targets as `sampleLoss` takes them: a teacher's per-class targets
/// (`classes` values, from `_BatchEngine.classTargets`), the weight of their term and the temperature.
struct SoftTargets {
  var targets: UnsafePointer<Float>
  var weight: Double
  var temperature: Double
}

extension _BatchEngine {
  /// The loss of one sample and the class with the highest score, written for speed (no
  /// allocation); the test suite checks it against finite differences through `sampleLoss(_:p:...)`.
  ///
  /// - Parameters:
  ///   - p: the `count` class-neuron probabilities; neuron `j` votes for `j % classes`.
  ///   - grad: when not nil, receives `gradScale * dLoss/dp_j` for every `j`.
  ///   - work: scratch of at least `3 * classes` Doubles.
  ///   - soft: a teacher's targets for this sample (distillation): the loss becomes `(1 - weight)`
  ///     times the loss on the label plus `weight * T^2` times the loss on the targets at
  ///     temperature `T` (see `Distillation`).
  static func sampleLoss(
    _ function: LossFunction, softmaxScale: Double, p: UnsafePointer<Float>, count: Int, classes: Int, perClass: UnsafePointer<Int>,
    label: Int, grad: UnsafeMutablePointer<Float>?, gradScale: Float, work: UnsafeMutablePointer<Double>, soft: SoftTargets? = nil
  ) -> (loss: Double, predicted: Int) {
    let sum = work
    let second = work + classes
    classSums(p: p, count: count, classes: classes, sum: sum, second: second)
    switch function {
    case .softmax:
      return softmaxLoss(
        scale: softmaxScale, count: count, classes: classes, label: label, grad: grad, gradScale: gradScale, sum: sum, dz: work + 2 * classes,
        soft: soft)
    case .gaussian:
      return gaussianLoss(
        p: p, count: count, classes: classes, perClass: perClass, label: label, grad: grad, gradScale: gradScale, sum: sum, second: second,
        soft: soft)
    }
  }

  /// RANC's loss from the class sums `sum`: a softmax over `scale * sum`, then cross-entropy.
  private static func softmaxLoss(
    scale: Double, count: Int, classes: Int, label: Int, grad: UnsafeMutablePointer<Float>?, gradScale: Float,
    sum: UnsafeMutablePointer<Double>, dz: UnsafeMutablePointer<Double>, soft: SoftTargets?
  ) -> (loss: Double, predicted: Int) {
    var predicted = 0
    var best = -Double.infinity
    var top = -Double.infinity
    for k in 0..<classes {
      if sum[k] > best {
        best = sum[k]
        predicted = k
      }
      top = max(top, scale * sum[k])
    }
    var total = 0.0
    for k in 0..<classes {
      dz[k] = exp(scale * sum[k] - top)
      total += dz[k]
    }
    var loss = -(scale * sum[label] - top - log(total))
    for k in 0..<classes { dz[k] = scale * (dz[k] / total - (k == label ? 1 : 0)) }
    if let soft {
      // At temperature T: q = softmax(scale * sum / T); the term -T^2 sum_k t_k log q_k has
      // d/dsum_k = scale * T * (q_k - t_k).
      let a = soft.weight, t = soft.temperature
      var topT = -Double.infinity
      for k in 0..<classes { topT = max(topT, scale * sum[k] / t) }
      var totalT = 0.0
      for k in 0..<classes { totalT += exp(scale * sum[k] / t - topT) }
      var term = 0.0
      for k in 0..<classes {
        let logQ = scale * sum[k] / t - topT - log(totalT)
        let target = Double(soft.targets[k])
        if target > 0 { term -= target * logQ }
        dz[k] = (1 - a) * dz[k] + a * scale * t * (exp(logQ) - target)
      }
      loss = (1 - a) * loss + a * t * t * term
    }
    if let grad {
      for j in 0..<count { grad[j] = gradScale * Float(dz[j % classes]) }
    }
    return (loss, predicted)
  }

  /// pytruenorth's loss from the class sums `sum` and the sums of `p (1 - p)` in `second` (both
  /// overwritten with the gradient's per-class factors).
  private static func gaussianLoss(
    p: UnsafePointer<Float>, count: Int, classes: Int, perClass: UnsafePointer<Int>, label: Int, grad: UnsafeMutablePointer<Float>?,
    gradScale: Float, sum: UnsafeMutablePointer<Double>, second: UnsafeMutablePointer<Double>, soft: SoftTargets?
  ) -> (loss: Double, predicted: Int) {
    var predicted = 0
    var best = -Double.infinity
    var loss = 0.0
    for k in 0..<classes {
      let n = Double(perClass[k])
      let m = sum[k] / n
      if m > best {
        best = m
        predicted = k
      }
      let sd = (second[k] / (n * n) + _Loss.gaussianFloor).squareRoot()
      let z = (m - 0.5) / sd
      // For the true class -log Phi(z); for the others -log Phi(-z).
      let (value, slope) = _Loss.logPhi(k == label ? z : -z)
      var dLdz = k == label ? -slope : slope
      if let soft {
        // The binary cross-entropy of target t against Phi(z / T), times T^2:
        // -T^2 (t log Phi(z/T) + (1 - t) log Phi(-z/T)), whose d/dz is -T (t s(z/T) - (1 - t) s(-z/T)).
        let a = soft.weight, temperature = soft.temperature
        let target = Double(soft.targets[k])
        let up = _Loss.logPhi(z / temperature), down = _Loss.logPhi(-z / temperature)
        let term = -temperature * temperature * (target * up.value + (1 - target) * down.value)
        loss += (1 - a) * -value + a * term
        dLdz = (1 - a) * dLdz - a * temperature * (target * up.slope - (1 - target) * down.slope)
      } else {
        loss -= value
      }
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
    return (loss, predicted)
  }

  /// `sampleLoss` over arrays, for tests: the loss, the predicted class and `gradScale *
  /// dLoss/dp` of the class-neuron probabilities `p`.
  static func sampleLoss(
    _ function: LossFunction, softmaxScale: Double = 1, p: [Float], classes: Int, label: Int, gradScale: Float = 1,
    teacher: (targets: [Float], weight: Double, temperature: Double)? = nil
  ) -> (loss: Double, predicted: Int, gradient: [Float]) {
    var perClass = [Int](repeating: 0, count: classes)
    for j in p.indices { perClass[j % classes] += 1 }
    var grad = [Float](repeating: 0, count: p.count)
    var work = [Double](repeating: 0, count: 3 * classes)
    // The targets' pointer lives only inside its closure: the call runs there.
    let targets = teacher?.targets ?? [0]
    let r = p.withUnsafeBufferPointer { pp in
      perClass.withUnsafeBufferPointer { pc in
        grad.withUnsafeMutableBufferPointer { g in
          work.withUnsafeMutableBufferPointer { w in
            targets.withUnsafeBufferPointer { t in
              sampleLoss(
                function, softmaxScale: softmaxScale, p: pp.baseAddress!, count: p.count, classes: classes, perClass: pc.baseAddress!, label: label,
                grad: g.baseAddress!, gradScale: gradScale, work: w.baseAddress!,
                soft: teacher.map { SoftTargets(targets: t.baseAddress!, weight: $0.weight, temperature: $0.temperature) })
            }
          }
        }
      }
    }
    return (r.loss, r.predicted, grad)
  }

  /// Each class's sum of its neurons' probabilities `p` into `sum`, of `p (1 - p)` into `second`.
  @inline(__always)
  private static func classSums(
    p: UnsafePointer<Float>, count: Int, classes: Int, sum: UnsafeMutablePointer<Double>, second: UnsafeMutablePointer<Double>
  ) {
    for k in 0..<classes {
      sum[k] = 0
      second[k] = 0
    }
    for j in 0..<count {
      let v = Double(p[j])
      sum[j % classes] += v
      second[j % classes] += v * (1 - v)
    }
  }

  /// A teacher's targets for one sample from its class-neuron probabilities `p`, as the loss
  /// `function` reads them, at temperature `temperature`: for `.gaussian` each class's
  /// Phi(z / T) (z the class's z-score of its mean spike against 0.5, as in the loss), for
  /// `.softmax` the softmax of `scale * sum / T`. Writes `classes` values to `out`.
  static func classTargets(
    _ function: LossFunction, softmaxScale: Double, temperature: Double, p: UnsafePointer<Float>, count: Int, classes: Int,
    perClass: UnsafePointer<Int>, work: UnsafeMutablePointer<Double>, out: UnsafeMutablePointer<Float>
  ) {
    let sum = work
    let second = work + classes
    classSums(p: p, count: count, classes: classes, sum: sum, second: second)
    switch function {
    case .softmax:
      var top = -Double.infinity
      for k in 0..<classes { top = max(top, softmaxScale * sum[k] / temperature) }
      var total = 0.0
      for k in 0..<classes { total += exp(softmaxScale * sum[k] / temperature - top) }
      for k in 0..<classes { out[k] = Float(exp(softmaxScale * sum[k] / temperature - top) / total) }
    case .gaussian:
      for k in 0..<classes {
        let n = Double(perClass[k])
        let sd = (second[k] / (n * n) + _Loss.gaussianFloor).squareRoot()
        let z = (sum[k] / n - 0.5) / sd
        out[k] = Float(0.5 * erfc(-z / temperature * 0.707_106_781_186_547_6))
      }
    }
  }
}
