import Foundation
import Testing
@testable import TeaLearning

/// The fast kernels against the Double reference, and their gradients against central finite
/// differences of the reference loss.
@Suite struct GradientTests {
  /// Runs the engine on a batch and returns the last layer's outputs, the mean loss and the
  /// gradient of the mean loss.
  static func engineGradient(_ net: ShadowNetwork, _ inputs: [[Double]], _ labels: [Int], _ function: LossFunction, threads: Int = 1)
    -> (outputs: [[Float]], loss: Double, gradient: ParameterGradient)
  {
    let engine = _BatchEngine(topology: net.topology, capacity: inputs.count, threads: threads)
    engine.load(net)
    engine.setInputs(inputs.flatMap { $0.map(Float.init) }, rows: inputs.indices)
    engine.setLabels(labels)
    engine.forward(count: inputs.count)
    let r = engine.loss(count: inputs.count, function: function, softmaxScale: 1, gradients: true, gradScale: 1 / Float(inputs.count))
    engine.backward(count: inputs.count)
    let last = engine.widths.count - 1
    let flat = engine.outputs(ofLayer: last, count: inputs.count)
    let width = engine.widths[last]
    let outs = (0..<inputs.count).map { i in Array(flat[(i * width)..<((i + 1) * width)]) }
    let g = ParameterGradient(cores: engine.cores.indices.map { engine.gradient(ofCore: $0) })
    return (outs, r.loss / Double(inputs.count), g)
  }

  @Test func gaussianNeuronDerivatives() {
    for (mu, sigma2) in [(0.3, 2.0), (-1.5, 0.7), (4.0, 9.0), (0.01, 0.05), (-0.2, 0.0)] {
      let r = GaussianNeuron.evaluate(mu: Float(mu), sigma2: Float(sigma2))
      let h = 1e-5
      let dMu = (Reference.probability(mu: mu + h, sigma2: sigma2) - Reference.probability(mu: mu - h, sigma2: sigma2)) / (2 * h)
      #expect(abs(Double(r.p) - Reference.probability(mu: mu, sigma2: sigma2)) < 1e-6)
      #expect(abs(Double(r.dMu) - dMu) <= 1e-4 * max(1, abs(dMu)), "dP/dmu at \(mu), \(sigma2)")
      if sigma2 > 0 {
        let dS = (Reference.probability(mu: mu, sigma2: sigma2 + h) - Reference.probability(mu: mu, sigma2: sigma2 - h)) / (2 * h)
        #expect(abs(Double(r.dSigma2) - dS) <= 1e-4 * max(1, abs(dS)), "dP/dsigma2 at \(mu), \(sigma2)")
      }
    }
  }

  /// Evaluation skips the derivatives: `probability` is `evaluate`'s p to the bit, and an engine
  /// without derivatives gives every layer's outputs to the bit.
  @Test func probabilitiesWithoutDerivativesAreTheSame() {
    var g = TeaRandom(seed: 5)
    for _ in 0..<10_000 {
      let mu = 40 * g.unitFloat() - 20
      let sigma2 = g.unitFloat() < 0.1 ? -g.unitFloat() * 1e-3 : 50 * g.unitFloat() * g.unitFloat()
      #expect(GaussianNeuron.probability(mu: mu, sigma2: sigma2).bitPattern == GaussianNeuron.evaluate(mu: mu, sigma2: sigma2).p.bitPattern)
    }
    let net = smallNetwork(seed: 8)
    let inputs = randomInputs(13, size: 36, seed: 9).flatMap { $0.map(Float.init) }
    var layers: [[[Float]]] = []
    for derivatives in [true, false] {
      let engine = _BatchEngine(topology: net.topology, capacity: 13, threads: 1)
      engine.derivatives = derivatives
      engine.load(net)
      engine.setInputs(inputs, rows: 0..<13)
      engine.forward(count: 13)
      layers.append((1..<engine.widths.count).map { engine.outputs(ofLayer: $0, count: 13) })
    }
    #expect(layers[0].map { $0.map(\.bitPattern) } == layers[1].map { $0.map(\.bitPattern) })
    #expect(Set(layers[0].last!).count > 100)
  }

  @Test(arguments: LossFunction.allCases)
  func lossGradientMatchesFiniteDifferences(function: LossFunction) {
    var g = TeaRandom(seed: 11)
    let classes = 4
    let p = (0..<22).map { _ in Float(0.02 + 0.96 * g.unitDouble()) }
    let r = _BatchEngine.sampleLoss(function, p: p, classes: classes, label: 2)
    let grad = r.gradient
    let pd = p.map(Double.init)
    #expect(abs(r.loss - Reference.loss(function, pd, classes: classes, label: 2)) < 1e-9)
    for j in 0..<p.count {
      let h = 1e-6
      var up = pd
      var down = pd
      up[j] += h
      down[j] -= h
      let fd = (Reference.loss(function, up, classes: classes, label: 2) - Reference.loss(function, down, classes: classes, label: 2)) / (2 * h)
      #expect(abs(Double(grad[j]) - fd) <= 1e-5 + 1e-4 * abs(fd), "dL/dp[\(j)]: \(grad[j]) vs \(fd)")
    }
  }

  @Test func gaussianLossIsStableForExtremeMargins() {
    for z in [-40.0, -30.5, -29.5, -10.0, 0.0, 8.0] {
      let (value, slope) = _Loss.logPhi(z)
      #expect(value.isFinite && slope.isFinite && slope >= 0)
      if z > -30 { #expect(abs(value - Reference.logPhi(z)) < 1e-9) }
    }
    let a = _Loss.logPhi(-30.0001)
    let b = _Loss.logPhi(-29.9999)
    #expect(abs(a.value - b.value) < 1e-2 && abs(a.slope - b.slope) < 1e-2)
  }

  @Test(arguments: [WeightTableStyle.pytruenorth, .ranc])
  func forwardMatchesReference(style: WeightTableStyle) {
    let net = smallNetwork(seed: 21, style: style)
    let inputs = randomInputs(5, size: 36, seed: 22)
    let fast = Self.engineGradient(net, inputs, [0, 1, 2, 3, 1], .softmax).outputs
    for (i, x) in inputs.enumerated() {
      let ref = Reference.forward(net, x)
      let single = net.forward(image: x.map(Float.init))
      for j in 0..<ref[1].count {
        #expect(abs(Double(fast[i][j]) - ref[1][j]) < 2e-5, "sample \(i) output \(j)")
      }
      for l in 0..<2 { for j in 0..<ref[l].count { #expect(abs(Double(single[l][j]) - ref[l][j]) < 2e-5) } }
    }
  }

  /// Every layer's connection and leak gradients (the first layer's through dL/dx of the second)
  /// against central differences of the Double reference loss, for both losses.
  @Test(arguments: LossFunction.allCases)
  func parameterGradientsMatchFiniteDifferences(function: LossFunction) {
    let net = smallNetwork(seed: 31)
    let inputs = randomInputs(6, size: 36, seed: 32)
    let labels = [0, 1, 2, 3, 2, 1]
    let analytic = Self.engineGradient(net, inputs, labels, function).gradient
    let base = Reference.meanLoss(net, inputs, labels, function)
    #expect(abs(Self.engineGradient(net, inputs, labels, function).loss - base) < 1e-4 * max(1, base))
    var g = TeaRandom(seed: 33)
    var checked = 0
    var worst = 0.0
    for k in net.cores.indices {
      let picks = (0..<25).map { _ in (true, g.below(net.cores[k].connections.count)) } + (0..<6).map { _ in (false, g.below(net.cores[k].leaks.count)) }
      for (isConnection, i) in picks {
        let fd = centralDifference(net, cores: [k], connection: isConnection, index: i) {
          Reference.meanLoss($0, inputs, labels, function)
        }
        let a = Double(isConnection ? analytic.cores[k].connections[i] : analytic.cores[k].leaks[i])
        let err = abs(a - fd) / (1e-4 + abs(fd))
        worst = max(worst, min(err, abs(a - fd) / 1e-4))
        #expect(abs(a - fd) <= 2e-5 + 2e-3 * abs(fd), "core \(k) \(isConnection ? "c" : "b")[\(i)]: \(a) vs \(fd)")
        checked += 1
      }
    }
    #expect(checked == 3 * 31)
  }

  @Test func gradientsDoNotDependOnThreads() {
    let net = smallNetwork(seed: 41)
    let inputs = randomInputs(37, size: 36, seed: 42)
    let labels = (0..<37).map { $0 % 4 }
    let one = Self.engineGradient(net, inputs, labels, .softmax, threads: 1)
    let all = Self.engineGradient(net, inputs, labels, .softmax, threads: 0)
    #expect(one.gradient == all.gradient)
    #expect(one.loss == all.loss)
  }
}
