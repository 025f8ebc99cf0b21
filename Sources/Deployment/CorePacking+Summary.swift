import TeaLearning

/// What packing kept of a network, per layer and per chip core (`tnsim deploy` prints it).
public struct PackingSummary: Sendable, Equatable, CustomStringConvertible {
  /// Live and total axons, neurons and cores of one layer.
  public struct Layer: Sendable, Equatable {
    /// Axons that can affect the outputs, and all axons of the layer.
    public var liveAxons: Int, axons: Int
    /// Neurons that can affect the outputs, and all neurons of the layer.
    public var liveNeurons: Int, neurons: Int
    /// Logical cores with a live neuron, and all logical cores of the layer.
    public var coresInUse: Int, cores: Int
  }

  /// One entry per layer.
  public var layers: [Layer]
  /// Chip cores per copy without packing (the network's cores) and with it.
  public var coresBefore: Int, coresAfter: Int
  /// Live axons and neurons of each chip core of a copy.
  public var binSizes: [(axons: Int, neurons: Int)]

  /// The summary of `packing`, a packing of `network`.
  public init(_ network: ShadowNetwork, _ packing: CorePacking) {
    let layerOf = network.layerOfCore
    layers = network.topology.layers.indices.map { l in
      let ks = network.cores.indices.filter { layerOf[$0] == l }
      return Layer(
        liveAxons: ks.reduce(0) { $0 + packing.axonSlot[$1].filter { $0 >= 0 }.count }, axons: ks.reduce(0) { $0 + network.cores[$1].axons },
        liveNeurons: ks.reduce(0) { $0 + packing.neuronSlot[$1].filter { $0 >= 0 }.count }, neurons: ks.reduce(0) { $0 + network.cores[$1].neurons },
        coresInUse: ks.filter { packing.binOf[$0] >= 0 }.count, cores: ks.count)
    }
    coresBefore = network.cores.count
    coresAfter = packing.coresPerCopy
    binSizes = packing.binSizes()
  }

  /// Per layer the live axons, neurons and cores, then the chip cores per copy before and after
  /// packing, one line each.
  public var description: String {
    var lines = layers.enumerated().map { l, x in
      "layer \(l): \(x.liveAxons)/\(x.axons) axons, \(x.liveNeurons)/\(x.neurons) neurons, \(x.coresInUse)/\(x.cores) cores in use"
    }
    let sizes = binSizes.map { "\($0.axons)x\($0.neurons)" }.joined(separator: ", ")
    lines.append("cores per copy: \(coresBefore) -> \(coresAfter) after packing (axons x neurons per chip core: \(sizes))")
    return lines.joined(separator: "\n")
  }

  /// Equal counts everywhere.
  public static func == (a: PackingSummary, b: PackingSummary) -> Bool {
    a.layers == b.layers && a.coresBefore == b.coresBefore && a.coresAfter == b.coresAfter
      && a.binSizes.map { [$0.axons, $0.neurons] } == b.binSizes.map { [$0.axons, $0.neurons] }
  }
}
