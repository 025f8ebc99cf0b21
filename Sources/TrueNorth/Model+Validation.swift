/// One way a model does not fit its chip: where (core, neuron or axon, field) and why.
public struct Violation: Sendable, Equatable, CustomStringConvertible {
  /// Index of the core in `Model.cores`, when the violation is inside a core.
  public var core: Int?
  public var coreX: Int?
  public var coreY: Int?
  public var neuron: Int?
  public var axon: Int?
  public var field: String
  public var message: String

  /// The JSON path of the offending value in the model file.
  public var location: String {
    guard let core else { return field }
    if let neuron { return "cores[\(core)].neurons.\(field)[\(neuron)]" }
    if let axon { return "cores[\(core)].\(field)[\(axon)]" }
    return "cores[\(core)].\(field)"
  }

  public var description: String {
    var s = ""
    if let coreX, let coreY { s += "core (\(coreX), \(coreY))" }
    if let neuron { s += " neuron \(neuron)" }
    if let axon { s += " axon \(axon)" }
    return s + (s.isEmpty ? "" : " ") + "\(field): \(message)"
  }
}

extension Violation {
  /// A violation inside core `k` of a model.
  init(core k: Int, _ core: CoreConfig, _ field: String, _ message: String, neuron: Int? = nil, axon: Int? = nil) {
    self.init(core: k, coreX: core.x, coreY: core.y, neuron: neuron, axon: axon, field: field, message: message)
  }
}

extension Model {
  /// Every hardware constraint the model breaks for `chip` (its own chip by default): core
  /// positions on the grid and unique, array sizes (fan-in at most the axons), axon types, the
  /// range of every neuron field, destinations on the grid and configured, axons and delays in
  /// range, output pins. Empty when the model fits.
  /// - Complexity: O(cores x neurons).
  public func violations(for chip: ChipDefinition? = nil) -> [Violation] {
    let chip = chip ?? self.chip
    var out: [Violation] = []
    let configured = placement(on: chip, violations: &out)
    for (k, core) in cores.enumerated() { out += Self.violations(ofCore: k, core, chip: chip, configured: configured) }
    return out
  }

  /// What core `k` breaks of `chip` besides its position: its shape and every neuron's fields
  /// and destination (`configured`: per core id of the chip, the index of the core there, or -1).
  public static func violations(ofCore k: Int, _ core: CoreConfig, chip: ChipDefinition, configured: [Int32]) -> [Violation] {
    var out = shapeViolations(core: k, core, chip: chip)
    let limits = NeuronLimits(chip)
    for (j, n) in core.neurons.enumerated() where !limits.fits(n, x: core.x, y: core.y, configured: configured) {
      out += neuronViolations(core: k, core, neuron: j, n, chip: chip, configured: configured)
    }
    return out
  }

  /// The chip's neuron limits, computed once per core: `fits` is the quick test of
  /// `neuronViolations` (false whenever that finds anything; the violations, with their
  /// messages, are then found by `neuronViolations` itself).
  struct NeuronLimits {
    let weight, leak, threshold, negativeThreshold, thresholdMask, resetPotential, potential, offset, delay: ClosedRange<Int>
    let width, height, pins, axons: Int

    init(_ chip: ChipDefinition) {
      weight = chip.weightRange
      leak = chip.leakRange
      threshold = chip.thresholdRange
      negativeThreshold = chip.negativeThresholdRange
      thresholdMask = chip.thresholdMaskRange
      resetPotential = chip.resetPotentialRange
      potential = chip.potentialRange
      offset = chip.offsetRange
      delay = chip.delayRange
      width = chip.width
      height = chip.height
      pins = chip.outputPins
      axons = chip.axonsPerCore
    }

    /// Whether neuron `n` of the core at (`x`, `y`) has every field in range and a destination
    /// that exists: exactly when `neuronViolations` finds nothing.
    @inline(__always)
    func fits(_ n: Neuron, x: Int, y: Int, configured: [Int32]) -> Bool {
      for g in 0..<n.weights.scalarCount where !weight.contains(Int(n.weights[g])) { return false }
      guard leak.contains(Int(n.leak)), threshold.contains(Int(n.threshold)),
        negativeThreshold.contains(Int(n.negativeThreshold)), thresholdMask.contains(Int(n.thresholdMaskBits)),
        resetPotential.contains(Int(n.resetPotential)), potential.contains(Int(n.potential))
      else { return false }
      switch n.destination {
      case .none: return true
      case .pin(let p): return (0..<pins).contains(Int(p))
      case .axon(let dx, let dy, let axon, let d):
        let tx = x + Int(dx), ty = y + Int(dy)
        return offset.contains(Int(dx)) && offset.contains(Int(dy)) && (0..<width).contains(tx) && (0..<height).contains(ty)
          && configured[ty * width + tx] >= 0 && (0..<axons).contains(Int(axon)) && delay.contains(Int(d))
      }
    }
  }

  /// Places the cores on the chip's grid, adding a violation for each core off the grid or on
  /// a position already taken.
  /// - Returns: per core id of the chip, the index of the core there, or -1.
  private func placement(on chip: ChipDefinition, violations out: inout [Violation]) -> [Int32] {
    var configured = [Int32](repeating: -1, count: chip.coreCount)
    for (k, core) in cores.enumerated() {
      guard (0..<chip.width).contains(core.x), (0..<chip.height).contains(core.y) else {
        out.append(Violation(core: k, core, "x",
          "core position (\(core.x), \(core.y)) is off the \(chip.width) x \(chip.height) grid of \(chip.name)"))
        continue
      }
      let id = chip.coreID(x: core.x, y: core.y)
      if configured[id] >= 0 {
        out.append(Violation(core: k, core, "x", "a second core at (\(core.x), \(core.y)); cores[\(configured[id])] is there already"))
        continue
      }
      configured[id] = Int32(k)
    }
    return configured
  }

  /// The sizes of core `k`'s arrays, its axon types, and synapses to neurons the chip's cores
  /// do not have.
  private static func shapeViolations(core k: Int, _ core: CoreConfig, chip: ChipDefinition) -> [Violation] {
    var out: [Violation] = []
    if core.axonTypes.count != chip.axonsPerCore {
      out.append(Violation(core: k, core, "axonTypes", "\(core.axonTypes.count) axons; the chip's cores have \(chip.axonsPerCore)"))
    }
    if core.crossbar.axons != chip.axonsPerCore {
      out.append(Violation(core: k, core, "crossbar",
        "\(core.crossbar.axons) rows (fan-in); the chip's cores have \(chip.axonsPerCore) axons"))
    }
    if core.neurons.count != chip.neuronsPerCore {
      out.append(Violation(core: k, core, "neurons", "\(core.neurons.count) neurons; the chip's cores have \(chip.neuronsPerCore)"))
    }
    for (i, t) in core.axonTypes.enumerated() where Int(t) >= chip.axonTypes {
      out.append(Violation(core: k, core, "axonTypes", "type \(t) is out of range; allowed: 0...\(chip.axonTypes - 1)", axon: i))
    }
    let rowBits = Crossbar.wordsPerRow * UInt64.bitWidth
    if chip.neuronsPerCore < rowBits {
      for i in 0..<core.crossbar.axons {
        let row = core.crossbar.row(i)
        for j in chip.neuronsPerCore..<rowBits where row[j / UInt64.bitWidth] >> UInt64(j % UInt64.bitWidth) & 1 == 1 {
          out.append(Violation(core: k, core, "crossbar",
            "synapse to neuron \(j); the chip's cores have \(chip.neuronsPerCore) neurons", axon: i))
          break
        }
      }
    }
    return out
  }

  /// The range of every field of neuron `j` of core `k`, and its destination.
  static func neuronViolations(core k: Int, _ core: CoreConfig, neuron j: Int, _ n: Neuron, chip: ChipDefinition,
    configured: [Int32]) -> [Violation]
  {
    var out: [Violation] = []
    func add(_ field: String, _ message: String) { out.append(Violation(core: k, core, field, message, neuron: j)) }
    func check(_ field: String, _ value: Int32, _ range: ClosedRange<Int>) {
      if !range.contains(Int(value)) { add(field, "value \(value) is out of range; allowed: \(range.lowerBound)...\(range.upperBound)") }
    }
    for g in 0..<n.weights.scalarCount where !chip.weightRange.contains(Int(n.weights[g])) {
      add("weights", "weight \(n.weights[g]) for axon type \(g) is out of range; allowed: "
        + "\(chip.weightRange.lowerBound)...\(chip.weightRange.upperBound)")
    }
    check("leak", n.leak, chip.leakRange)
    check("threshold", n.threshold, chip.thresholdRange)
    check("negativeThreshold", n.negativeThreshold, chip.negativeThresholdRange)
    check("thresholdMaskBits", n.thresholdMaskBits, chip.thresholdMaskRange)
    check("resetPotential", n.resetPotential, chip.resetPotentialRange)
    check("potential", n.potential, chip.potentialRange)
    switch n.destination {
    case .none: break
    case .pin(let p):
      if !(0..<chip.outputPins).contains(Int(p)) { add("destination", "output pin \(p) is out of range; allowed: 0...\(chip.outputPins - 1)") }
    case .axon(let dx, let dy, let axon, let delay):
      if !chip.offsetRange.contains(Int(dx)) || !chip.offsetRange.contains(Int(dy)) {
        add("destination", "offset (\(dx), \(dy)) is out of range; allowed: "
          + "\(chip.offsetRange.lowerBound)...\(chip.offsetRange.upperBound) each")
      }
      let tx = core.x + Int(dx)
      let ty = core.y + Int(dy)
      if !(0..<chip.width).contains(tx) || !(0..<chip.height).contains(ty) {
        add("destination", "target core (\(tx), \(ty)) is off the \(chip.width) x \(chip.height) grid")
      } else if configured[chip.coreID(x: tx, y: ty)] < 0 {
        add("destination", "target core (\(tx), \(ty)) is not configured in the model")
      }
      if !(0..<chip.axonsPerCore).contains(Int(axon)) { add("destination", "axon \(axon) is out of range; allowed: 0...\(chip.axonsPerCore - 1)") }
      if !chip.delayRange.contains(Int(delay)) { add("destination", "delay \(delay) is out of range; allowed: 1...\(chip.maxDelay)") }
    }
    return out
  }
}
