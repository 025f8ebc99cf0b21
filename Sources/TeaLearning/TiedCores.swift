/// Weight sharing across the cores of a layer, as a convolutional network shares a kernel over
/// the image (EEDN trains its convolutions this way): every core of a tied layer holds the same
/// axon types, weight tables, connection probabilities and leaks.
///
/// A fresh run (or `--init`) starts every core of a tied layer from the layer's first core. Each
/// step replaces every tied core's gradient by the sum of the layer's gradients (the gradient of
/// the one shared parameter), so the optimiser moves the cores alike; after the step the first
/// core is copied to the others again, so that they stay equal whatever an earlier plug-in's
/// projection did. On the chip each core still samples its synapses on its own.
///
/// `tnsim train --plugin tie:layers=0/1` (docs/plugins.md). A tied layer's cores must have the
/// same number of axons and neurons, and axon `a` of each should read the same place relative to
/// the core (patch and group grids do; a shuffle layer's cores read different neurons).
public struct TiedCores: TrainingPlugin, Sendable {
  /// The 0-based layers whose cores share their parameters.
  public var layers: [Int]

  /// Ties the cores of each of `layers`.
  public init(layers: [Int]) { self.layers = layers }

  /// From `tie:layers=L/L/...` (default: layer 0).
  /// - Throws: `PluginSpecError` naming the setting that is unknown or out of range.
  public init(_ spec: PluginSpec) throws(PluginSpecError) {
    try spec.check(known: ["layers"])
    let layers = try spec.ints("layers", default: [0], in: 0...255)
    if let repeated = layers.enumerated().first(where: { layers[..<$0.offset].contains($0.element) }) {
      throw spec.badValue("layers", spec.value("layers") ?? "", allowed: "layer \(repeated.element) is given twice; give each layer once")
    }
    self.init(layers: layers)
  }

  /// `tie`.
  public var name: String { "tie" }

  /// Checks that every tied layer exists, has two cores or more, and that they have one shape.
  /// - Parameter file: the topology's name or file, for the error.
  public func validate(topology: Topology, file: String) throws(InputError) {
    for l in layers {
      guard l < topology.layers.count else {
        throw InputError(
          file: file, path: "layers", message: "has \(topology.layers.count) layers (0...\(topology.layers.count - 1)); tie:layers names layer \(l)")
      }
      let cores = topology.layers[l]
      guard cores.count >= 2 else {
        throw InputError(file: file, path: "layers[\(l)]", message: "has \(cores.count) core; tie:layers needs layers of two cores or more")
      }
      if let k = cores.indices.first(where: { cores[$0].axons != cores[0].axons || cores[$0].neurons != cores[0].neurons }) {
        throw InputError(
          file: file, path: "layers[\(l)]",
          message: "core \(k) has \(cores[k].axons) axons and \(cores[k].neurons) neurons, core 0 \(cores[0].axons) and \(cores[0].neurons); tied cores need one shape")
      }
    }
  }

  /// The index range in `network.cores` of each tied layer.
  func ranges(_ network: ShadowNetwork) -> [Range<Int>] {
    let starts = network.layerStarts
    return layers.map { starts[$0]..<starts[$0 + 1] }
  }

  /// Copies every tied layer's first core to the layer's other cores.
  static func copyFirst(_ network: inout ShadowNetwork, _ ranges: [Range<Int>]) {
    for r in ranges {
      let first = network.cores[r.lowerBound]
      for k in r.dropFirst() { network.cores[k] = first }
    }
  }

  /// Starts every core of a tied layer from the layer's first core.
  public mutating func prepare(_ network: inout ShadowNetwork) {
    precondition(layers.allSatisfy { $0 < network.topology.layers.count }, "tie: a layer the topology does not have (validate first)")
    Self.copyFirst(&network, ranges(network))
  }

  /// Gives every core of a tied layer the sum of the layer's gradients (summed in core order).
  public mutating func transformGradient(_ gradient: inout ParameterGradient, network: ShadowNetwork, context: StepContext) {
    for r in ranges(network) {
      var sum = gradient.cores[r.lowerBound]
      for k in r.dropFirst() {
        let g = gradient.cores[k]
        for i in sum.connections.indices { sum.connections[i] += g.connections[i] }
        for i in sum.leaks.indices { sum.leaks[i] += g.leaks[i] }
      }
      for k in r { gradient.cores[k] = sum }
    }
  }

  /// Copies every tied layer's first core to the others.
  public mutating func afterStep(_ network: inout ShadowNetwork, context: StepContext) {
    Self.copyFirst(&network, ranges(network))
  }
}
