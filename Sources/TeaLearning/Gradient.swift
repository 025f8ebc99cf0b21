/// One core's share of a gradient (or of any per-parameter quantity such as optimiser moments),
/// in the layout of `CoreParameters`: `connections[a * neurons + n]`, `leaks[n]`.
public struct CoreGradient: Sendable, Equatable {
  /// d/dc for every connection probability, axon-major.
  public var connections: [Float]
  /// d/db for every leak.
  public var leaks: [Float]

  /// Zeros shaped like `core`.
  public init(zeroLike core: CoreParameters) {
    connections = [Float](repeating: 0, count: core.connections.count)
    leaks = [Float](repeating: 0, count: core.leaks.count)
  }

  /// A gradient from explicit arrays.
  public init(connections: [Float], leaks: [Float]) {
    self.connections = connections
    self.leaks = leaks
  }
}

/// A gradient (or per-parameter state) for every core of a `ShadowNetwork`, in `cores` order.
public struct ParameterGradient: Sendable, Equatable {
  /// One entry per core, in the network's core order.
  public var cores: [CoreGradient]

  /// Zeros shaped like `network`.
  public init(zeroLike network: ShadowNetwork) { cores = network.cores.map(CoreGradient.init(zeroLike:)) }

  /// A gradient from explicit per-core parts.
  public init(cores: [CoreGradient]) { self.cores = cores }

  /// Adds `scale * other` element by element.
  public mutating func add(_ other: ParameterGradient, scale: Float = 1) {
    for k in cores.indices {
      for i in cores[k].connections.indices { cores[k].connections[i] += scale * other.cores[k].connections[i] }
      for i in cores[k].leaks.indices { cores[k].leaks[i] += scale * other.cores[k].leaks[i] }
    }
  }

  /// The Euclidean norm, summed in core order.
  public var norm: Double {
    var s = 0.0
    for c in cores {
      for v in c.connections { s += Double(v) * Double(v) }
      for v in c.leaks { s += Double(v) * Double(v) }
    }
    return s.squareRoot()
  }
}
