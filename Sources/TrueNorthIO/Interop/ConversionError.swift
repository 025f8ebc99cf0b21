import TrueNorth
/// A model (or spike list) that a target format cannot express exactly: which format, where
/// (core, neuron, axon or spike), which field and why. Export refuses rather than approximate.
public struct ConversionError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The format being written, e.g. `RANC` or `IBM model.json`.
  public var format: String
  /// The x of the offending core, when the problem is inside a core.
  public var coreX: Int?
  /// The y of the offending core, when the problem is inside a core.
  public var coreY: Int?
  /// The offending neuron, when the problem is a neuron's.
  public var neuron: Int?
  /// The offending field, in tnsim's names (`kappa`, `resetPotential`, `destination`, `tick`...).
  public var field: String
  /// What the value is and what the format allows.
  public var message: String

  /// An error of `format` at the given core and neuron, in `field`, saying `message`.
  public init(format: String, coreX: Int? = nil, coreY: Int? = nil, neuron: Int? = nil, field: String, message: String) {
    self.format = format
    self.coreX = coreX
    self.coreY = coreY
    self.neuron = neuron
    self.field = field
    self.message = message
  }

  /// `cannot export to FORMAT: core (x, y) neuron n field: message`.
  public var description: String {
    var s = "cannot export to \(format):"
    if let coreX, let coreY { s += " core (\(coreX), \(coreY))" }
    if let neuron { s += " neuron \(neuron)" }
    return s + " \(field): \(message)"
  }
}
