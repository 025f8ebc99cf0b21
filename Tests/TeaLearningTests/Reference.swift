import Foundation
@testable import TeaLearning

/// A slow, obviously-correct Double implementation of the shadow network and its losses,
/// straight from the formulas in docs/training.md, for comparing with the fast Float kernels.
enum Reference {
  static func probability(mu: Double, sigma2: Double) -> Double {
    let v = max(sigma2, 0) + Double(GaussianNeuron.varianceFloor)
    return 0.5 * (1 + erf(mu / (2 * v).squareRoot()))
  }

  /// Every layer's outputs for one input vector.
  static func forward(_ net: ShadowNetwork, _ input: [Double]) -> [[Double]] {
    var layers: [[Double]] = []
    for l in net.topology.layers.indices { layers.append(layer(net, l, layers.last ?? input)) }
    return layers
  }

  /// Layer `l`'s outputs for the vector `source` it reads.
  static func layer(_ net: ShadowNetwork, _ l: Int, _ source: [Double]) -> [Double] {
    var out: [Double] = []
    var k = net.topology.layers[..<l].reduce(0) { $0 + $1.count }
    for shape in net.topology.layers[l] {
      let p = net.cores[k]
      for n in 0..<shape.neurons {
        var mu = Double(p.leaks[n])
        var sigma2 = 0.0
        for a in 0..<shape.axons {
          let x = source[shape.inputs[a]]
          let c = Double(p.connections[a * shape.neurons + n])
          let s = Double(p.weight(axon: a, neuron: n))
          mu += x * c * s
          sigma2 += x * c * (1 - x * c) * s * s
        }
        out.append(probability(mu: mu, sigma2: sigma2))
      }
      k += 1
    }
    return out
  }

  static func logPhi(_ z: Double) -> Double { log(0.5 * erfc(-z / 2.0.squareRoot())) }

  /// Each class's sum of its neurons' probabilities, of p (1 - p), and its neuron count (neuron j
  /// votes for class j % classes).
  static func classSums(_ p: [Double], classes: Int) -> (sum: [Double], second: [Double], count: [Double]) {
    var sum = [Double](repeating: 0, count: classes)
    var second = [Double](repeating: 0, count: classes)
    var count = [Double](repeating: 0, count: classes)
    for (j, v) in p.enumerated() {
      sum[j % classes] += v
      second[j % classes] += v * (1 - v)
      count[j % classes] += 1
    }
    return (sum, second, count)
  }

  /// The loss of one sample from the class-neuron probabilities.
  static func loss(_ function: LossFunction, _ p: [Double], classes: Int, label: Int, softmaxScale: Double = 1) -> Double {
    let (sum, second, count) = classSums(p, classes: classes)
    switch function {
    case .softmax:
      let z = sum.map { $0 * softmaxScale }
      let top = z.max()!
      return -(z[label] - top - log(z.map { exp($0 - top) }.reduce(0, +)))
    case .gaussian:
      var l = 0.0
      for k in 0..<classes {
        let n = count[k]
        let z = (sum[k] / n - 0.5) / (second[k] / (n * n) + _Loss.gaussianFloor).squareRoot()
        l -= logPhi(k == label ? z : -z)
      }
      return l
    }
  }

  /// The mean loss over a batch.
  static func meanLoss(_ net: ShadowNetwork, _ inputs: [[Double]], _ labels: [Int], _ function: LossFunction) -> Double {
    var total = 0.0
    for (x, y) in zip(inputs, labels) {
      total += loss(function, forward(net, x).last!, classes: net.topology.classes, label: y)
    }
    return total / Double(inputs.count)
  }
}

/// A small irregular network: 6 x 6 inputs; layer 0 has two cores of 20 random inputs with 12
/// and 9 neurons (not multiples of the SIMD width); layer 1 one core of 24 inputs, some read
/// twice, with 20 neurons voting for 4 classes.
func smallNetwork(seed: UInt64, style: WeightTableStyle = .pytruenorth) -> ShadowNetwork {
  var g = TeaRandom(seed: seed)
  let core0 = Topology.Core(inputs: Array(g.permutation(36).prefix(20)), neurons: 12)
  let core1 = Topology.Core(inputs: Array(g.permutation(36).prefix(20)), neurons: 9)
  let core2 = Topology.Core(inputs: (0..<24).map { _ in g.below(21) }, neurons: 20)
  let t = Topology(name: "small", inputRows: 6, inputColumns: 6, classes: 4, layers: [[core0, core1], [core2]])
  var net = ShadowNetwork(topology: t, style: style, seed: seed)
  for k in net.cores.indices {
    for i in net.cores[k].connections.indices { net.cores[k].connections[i] = 0.05 + 0.9 * g.unitFloat() }
    for i in net.cores[k].leaks.indices { net.cores[k].leaks[i] = 4 * g.unitFloat() - 2 }
  }
  return net
}

/// Random inputs in (0.05, 0.95).
func randomInputs(_ count: Int, size: Int, seed: UInt64) -> [[Double]] {
  var g = TeaRandom(seed: seed)
  return (0..<count).map { _ in (0..<size).map { _ in Double(Float(0.05 + 0.9 * g.unitDouble())) } }
}

/// The repository's MNIST directory (the tests need `make data`).
var mnistDirectory: String {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("data/mnist").path
}

/// The central finite difference of `loss` in connection `i` (or leak `i`) of every core in
/// `cores` moved together by +-1e-3, divided by the step as actually stored in Float.
func centralDifference(_ net: ShadowNetwork, cores: [Int], connection isConnection: Bool, index i: Int, loss: (ShadowNetwork) -> Double) -> Double {
  var up = net
  var down = net
  for k in cores {
    if isConnection {
      up.cores[k].connections[i] += 1e-3
      down.cores[k].connections[i] -= 1e-3
    } else {
      up.cores[k].leaks[i] += 1e-3
      down.cores[k].leaks[i] -= 1e-3
    }
  }
  let k = cores[0]
  let step = isConnection
    ? Double(up.cores[k].connections[i]) - Double(down.cores[k].connections[i])
    : Double(up.cores[k].leaks[i]) - Double(down.cores[k].leaks[i])
  return (loss(up) - loss(down)) / step
}
