import Foundation

extension TrainedNetwork {
  /// A few lines for `tnsim info`: name, input, layers with their cores, neurons and synapses,
  /// readout and how it was trained.
  public var summaryText: String {
    let t = network.topology
    var lines = ["trained network  \(t.name) (tnsim-tea-network, version \(Self.version))"]
    lines.append("  input         \(t.inputRows) x \(t.inputColumns) = \(t.inputSize) values")
    for (l, layer) in t.layers.enumerated() {
      let neurons = layer.reduce(0) { $0 + $1.neurons }
      let synapses = layer.reduce(0) { $0 + $1.axons * $1.neurons }
      lines.append("  layer \(l)       \(layer.count) core\(layer.count == 1 ? "" : "s"), \(neurons) neurons, \(synapses) synapses")
    }
    lines.append("  readout       \(t.classes) classes, \(t.outputCount) output neurons, score \(score.rawValue)")
    if let m = training {
      let accuracy = m.testAccuracy.map { String(format: "%.2f%%", 100 * $0) } ?? "not measured"
      lines.append("  training      \(m.epochs) epochs, test accuracy \(accuracy) on \(m.testImages) images")
    }
    return lines.joined(separator: "\n")
  }
}

extension Topology {
  /// A few lines for `tnsim info`: name, input, layers, classes.
  public var summaryText: String {
    var lines = ["topology         \(name) (tnsim-topology)"]
    lines.append("  input         \(inputRows) x \(inputColumns) = \(inputSize) values")
    for (l, layer) in layers.enumerated() {
      lines.append("  layer \(l)       \(layer.count) core\(layer.count == 1 ? "" : "s"), \(layer.reduce(0) { $0 + $1.neurons }) neurons")
    }
    lines.append("  readout       \(classes) classes, \(outputCount) output neurons")
    return lines.joined(separator: "\n")
  }
}
