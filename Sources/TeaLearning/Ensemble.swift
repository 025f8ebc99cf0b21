/// Several trained networks side by side as one network: an ensemble whose class scores add up.
extension TrainedNetwork {
  /// The networks of `members` side by side: each reads the same input on its own, layer l of the
  /// result is every member's layer l in turn, and the last layer holds every member's class
  /// neurons, so each class's score is the sum of the members' (with equal neurons per class in
  /// every member, the mean is the members' mean). Member i's cores come after member i - 1's in
  /// every layer, its inputs shifted past them; the parameters are copied unchanged, so the result
  /// computes each member exactly. The training record is dropped (it describes one run).
  /// - Parameter members: the networks with the file each came from, for messages.
  /// - Throws: `InputError` naming a member's file when it reads another input size, has other
  ///   classes, another depth or readout rule, or a class-neuron count that is not a multiple of
  ///   the classes (the next member's class neurons would vote for other classes), or when the
  ///   result needs more than one chip's cores.
  public static func ensemble(_ members: [(file: String, network: TrainedNetwork)]) throws(InputError) -> TrainedNetwork {
    guard let first = members.first else { throw InputError(file: "NET.json", message: "give at least one trained network") }
    let t0 = first.network.network.topology
    var layers = [[Topology.Core]](repeating: [], count: t0.layers.count)
    var cores: [[CoreParameters]] = layers.map { _ in [] }
    var offsets = [Int](repeating: 0, count: t0.layers.count)  // outputs of each layer so far
    for (i, m) in members.enumerated() {
      let t = m.network.network.topology
      guard t.inputRows == t0.inputRows, t.inputColumns == t0.inputColumns else {
        throw InputError(file: m.file, path: "input", message: "is \(t.inputRows) x \(t.inputColumns); \(first.file) reads \(t0.inputRows) x \(t0.inputColumns)")
      }
      guard t.classes == t0.classes else {
        throw InputError(file: m.file, path: "readout.classes", message: "is \(t.classes); \(first.file) has \(t0.classes)")
      }
      guard t.layers.count == t0.layers.count else {
        throw InputError(file: m.file, path: "layers", message: "has \(t.layers.count) layers; \(first.file) has \(t0.layers.count)")
      }
      guard m.network.score == first.network.score else {
        throw InputError(file: m.file, path: "readout.score", message: "is \(m.network.score.rawValue); \(first.file) has \(first.network.score.rawValue)")
      }
      guard i == members.count - 1 || t.outputCount % t.classes == 0 else {
        throw InputError(
          file: m.file, path: "readout",
          message: "has \(t.outputCount) class neurons, not a multiple of the \(t.classes) classes, so the next member's would vote for other classes")
      }
      let starts = m.network.network.layerStarts
      for l in t.layers.indices {
        let shift = l == 0 ? 0 : offsets[l - 1]
        layers[l] += t.layers[l].map { Topology.Core(inputs: $0.inputs.map { $0 + shift }, neurons: $0.neurons) }
        cores[l] += m.network.network.cores[starts[l]..<(starts[l] + t.layers[l].count)]
      }
      for l in t.layers.indices { offsets[l] += t.outputs(ofLayer: l) }
    }
    let count = layers.reduce(0) { $0 + $1.count }
    guard count <= Topology.maxCores else {
      throw InputError(file: members.last!.file, message: "brings the ensemble to \(count) cores; allowed: at most \(Topology.maxCores) (one chip)")
    }
    let name = members.map(\.network.network.topology.name).joined(separator: "+")
    let topology = Topology(name: name, inputRows: t0.inputRows, inputColumns: t0.inputColumns, classes: t0.classes, layers: layers)
    try topology.validate(file: members.last!.file)
    return TrainedNetwork(network: ShadowNetwork(topology: topology, cores: cores.flatMap { $0 }), score: first.network.score, training: nil)
  }
}
