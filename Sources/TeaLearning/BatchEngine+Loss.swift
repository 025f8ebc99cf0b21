import Foundation

extension _BatchEngine {
  /// The loss of one sample and the class with the highest score, written for speed (no
  /// allocation); the test suite checks it against finite differences through `sampleLoss(_:p:...)`.
  ///
  /// - Parameters:
  ///   - p: the `count` class-neuron probabilities; neuron `j` votes for `j % classes`.
  ///   - grad: when not nil, receives `gradScale * dLoss/dp_j` for every `j`.
  ///   - work: scratch of at least `3 * classes` Doubles.
  static func sampleLoss(
    _ function: LossFunction, softmaxScale: Double, p: UnsafePointer<Float>, count: Int, classes: Int, perClass: UnsafePointer<Int>,
    label: Int, grad: UnsafeMutablePointer<Float>?, gradScale: Float, work: UnsafeMutablePointer<Double>
  ) -> (loss: Double, predicted: Int) {
    let sum = work
    let second = work + classes
    for k in 0..<classes {
      sum[k] = 0
      second[k] = 0
    }
    for j in 0..<count {
      let v = Double(p[j])
      sum[j % classes] += v
      second[j % classes] += v * (1 - v)
    }
    switch function {
    case .softmax:
      return softmaxLoss(
        scale: softmaxScale, count: count, classes: classes, label: label, grad: grad, gradScale: gradScale, sum: sum, dz: work + 2 * classes)
    case .gaussian:
      return gaussianLoss(p: p, count: count, classes: classes, perClass: perClass, label: label, grad: grad, gradScale: gradScale, sum: sum, second: second)
    }
  }

  /// RANC's loss from the class sums `sum`: a softmax over `scale * sum`, then cross-entropy.
  private static func softmaxLoss(
    scale: Double, count: Int, classes: Int, label: Int, grad: UnsafeMutablePointer<Float>?, gradScale: Float,
    sum: UnsafeMutablePointer<Double>, dz: UnsafeMutablePointer<Double>
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
    let loss = -(scale * sum[label] - top - log(total))
    if let grad {
      for k in 0..<classes { dz[k] = scale * (dz[k] / total - (k == label ? 1 : 0)) }
      for j in 0..<count { grad[j] = gradScale * Float(dz[j % classes]) }
    }
    return (loss, predicted)
  }

  /// pytruenorth's loss from the class sums `sum` and the sums of `p (1 - p)` in `second` (both
  /// overwritten with the gradient's per-class factors).
  private static func gaussianLoss(
    p: UnsafePointer<Float>, count: Int, classes: Int, perClass: UnsafePointer<Int>, label: Int, grad: UnsafeMutablePointer<Float>?,
    gradScale: Float, sum: UnsafeMutablePointer<Double>, second: UnsafeMutablePointer<Double>
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
    return (loss, predicted)
  }

  /// `sampleLoss` over arrays, for tests: the loss, the predicted class and `gradScale *
  /// dLoss/dp` of the class-neuron probabilities `p`.
  static func sampleLoss(_ function: LossFunction, softmaxScale: Double = 1, p: [Float], classes: Int, label: Int, gradScale: Float = 1)
    -> (loss: Double, predicted: Int, gradient: [Float])
  {
    var perClass = [Int](repeating: 0, count: classes)
    for j in p.indices { perClass[j % classes] += 1 }
    var grad = [Float](repeating: 0, count: p.count)
    var work = [Double](repeating: 0, count: 3 * classes)
    let r = p.withUnsafeBufferPointer { pp in
      perClass.withUnsafeBufferPointer { pc in
        grad.withUnsafeMutableBufferPointer { g in
          work.withUnsafeMutableBufferPointer { w in
            sampleLoss(
              function, softmaxScale: softmaxScale, p: pp.baseAddress!, count: p.count, classes: classes, perClass: pc.baseAddress!, label: label,
              grad: g.baseAddress!, gradScale: gradScale, work: w.baseAddress!)
          }
        }
      }
    }
    return (r.loss, r.predicted, grad)
  }
}
