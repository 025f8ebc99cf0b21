/// The trained parameters of one core of the shadow network, in flat arrays so that plug-ins can
/// see groups (an axon's row, a neuron's column, the whole core).
public struct CoreParameters: Sendable, Equatable {
  /// Number of axons (inputs), at most 256.
  public var axons: Int
  /// Number of neurons, at most 256.
  public var neurons: Int
  /// The type of each axon, 0...3 (fixed before training).
  public var axonTypes: [UInt8]
  /// Each neuron's four weights, one per axon type: `weights[n * 4 + type]` (fixed before training).
  public var weights: [Int8]
  /// Connection probabilities in [0, 1], axon-major: `connections[a * neurons + n]` (trained).
  public var connections: [Float]
  /// Leak biases in [-255, 255], one per neuron (trained).
  public var leaks: [Float]

  /// Creates a core's parameters; the arrays must have the sizes documented on each field.
  public init(axons: Int, neurons: Int, axonTypes: [UInt8], weights: [Int8], connections: [Float], leaks: [Float]) {
    precondition(axonTypes.count == axons && weights.count == neurons * 4)
    precondition(connections.count == axons * neurons && leaks.count == neurons)
    self.axons = axons
    self.neurons = neurons
    self.axonTypes = axonTypes
    self.weights = weights
    self.connections = connections
    self.leaks = leaks
  }

  /// The integer weight `s` of the synapse from axon `a` to neuron `n`: the neuron's weight for
  /// the axon's type.
  public func weight(axon a: Int, neuron n: Int) -> Int { Int(weights[n * 4 + Int(axonTypes[a])]) }
}

/// How the fixed axon types and per-neuron weight tables are chosen before training.
public enum WeightTableStyle: String, Sendable, Codable, CaseIterable {
  /// pytruenorth: the four axon types spread evenly over the axons by a seeded permutation; each
  /// neuron's four weights a permutation of {-2, -1, +1, +2}, the 24 permutations spread evenly
  /// over the neurons in a seeded order. Every input reaches every neuron with either sign.
  case pytruenorth
  /// RANC: axons alternate types 0 and 1; every neuron weighs type 0 by +1 and type 1 by -1.
  case ranc
}

/// The shadow network: a topology and every core's parameters. Spikes are probabilities, so the
/// network is differentiable (docs/training.md).
public struct ShadowNetwork: Sendable, Equatable {
  /// The shape of the network.
  public var topology: Topology
  /// Every core's parameters, layer by layer in topology order (`topology.cores`).
  public var cores: [CoreParameters]

  /// The lowest and highest leak bias the chip's 9-bit signed leak allows.
  public static let leakRange: ClosedRange<Float> = -255...255

  /// Creates a network from explicit parameters.
  public init(topology: Topology, cores: [CoreParameters]) {
    precondition(cores.count == topology.cores.count)
    self.topology = topology
    self.cores = cores
  }

  /// A freshly initialised network: weight tables of `style`; connection probabilities uniform in
  /// [0, 1); leaks 0. Every random choice comes from `seed`.
  public init(topology: Topology, style: WeightTableStyle, seed: UInt64) {
    self.topology = topology
    var cores: [CoreParameters] = []
    for (k, shape) in topology.cores.enumerated() {
      var g = TeaRandom(seed: seed, stream: 0x1000 + UInt64(k))
      let a = shape.axons
      let n = shape.neurons
      var types: [UInt8]
      var weights: [Int8] = []
      switch style {
      case .pytruenorth:
        types = (0..<a).map { UInt8($0 % 4) }
        g.shuffle(&types)
        let perms = Self.weightPermutations
        var order: [Int] = []
        while order.count < n {
          var block = Array(0..<perms.count)
          g.shuffle(&block)
          order += block
        }
        for j in 0..<n { weights += perms[order[j]] }
      case .ranc:
        types = (0..<a).map { UInt8($0 % 2) }
        for _ in 0..<n { weights += [1, -1, 0, 0] }
      }
      let c = (0..<(a * n)).map { _ in g.unitFloat() }
      cores.append(
        CoreParameters(axons: a, neurons: n, axonTypes: types, weights: weights, connections: c, leaks: [Float](repeating: 0, count: n)))
    }
    self.cores = cores
  }

  /// Rounds every connection probability to `decimals` decimals (to the nearest, ties away from
  /// zero), so that the network file writes each in at most `decimals` + 2 characters.
  public mutating func roundConnections(decimals: Int) {
    let scale = Self.decimalScale(decimals)
    for k in cores.indices {
      cores[k].connections = cores[k].connections.map { Float((Double($0) * scale).rounded() / scale) }
    }
  }

  /// 10^decimals as a Double.
  static func decimalScale(_ decimals: Int) -> Double { (0..<decimals).reduce(1) { s, _ in s * 10 } }

  /// The 24 permutations of {-2, -1, +1, +2}, in lexicographic order.
  static let weightPermutations: [[Int8]] = {
    var out: [[Int8]] = []
    func permute(_ prefix: [Int8], _ rest: [Int8]) {
      if rest.isEmpty { out.append(prefix) }
      for (i, v) in rest.enumerated() {
        var r = rest
        r.remove(at: i)
        permute(prefix + [v], r)
      }
    }
    permute([], [-2, -1, 1, 2])
    return out
  }()

  /// The index in `cores` of the first core of each layer, plus the total at the end.
  public var layerStarts: [Int] {
    var s = [0]
    for layer in topology.layers { s.append(s.last! + layer.count) }
    return s
  }

  /// Number of trained parameters (connection probabilities and leaks).
  public var parameterCount: Int { cores.reduce(0) { $0 + $1.connections.count + $1.leaks.count } }
}
