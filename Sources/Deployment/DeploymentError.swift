import TrueNorth
import TrueNorthIO

/// Why a network cannot be deployed, evaluated or encoded, as structured values: what was wrong,
/// where, and what is allowed. The descriptions name no command-line flags; `tnsim` words the
/// remedies.
public enum DeploymentError: Error, CustomStringConvertible, Sendable, Equatable {
  /// A core of the network has more axons or neurons than the chip's cores.
  case coreTooLarge(topology: String, chip: String, axonsPerCore: Int, neuronsPerCore: Int)
  /// The copies' blocks of cores do not fit on the chip's grid of `width` x `height` cores.
  case copiesDoNotFit(copies: Int, coresPerCopy: Int, chip: String, width: Int, height: Int)
  /// The copies need more output pins than the chip has.
  case tooFewOutputPins(needed: Int, chip: String, available: Int)
  /// Output `output` of layer `layer` is read by two axons; a TrueNorth neuron has one destination.
  case outputReadTwice(layer: Int, output: Int, first: CoreAxon, second: CoreAxon)
  /// The deployed model breaks a hardware constraint of the chip.
  case modelDoesNotFit(chip: String, violation: Violation)
  /// Ticks per frame below 1.
  case spfOutOfRange(Int)
  /// The images have `pixels` values each; the network reads `inputSize`.
  case imageSizeMismatch(pixels: Int, inputSize: Int)
  /// The simulator refused the model.
  case simulation(SimulationError)
  /// A file (model, manifest, network, spike file, sweep CSV) is missing, malformed or does not
  /// match: the file's own error, with its line and path.
  case input(InputError)
  /// A sweep's CSV was written with other settings (`found` is its first line).
  case sweepSettingsDiffer(file: String, found: String)

  /// A logical core's axon, in topology order.
  public struct CoreAxon: Sendable, Equatable {
    /// The core's index in topology order.
    public var core: Int
    /// The axon of that core.
    public var axon: Int

    /// A core's axon.
    public init(core: Int, axon: Int) {
      self.core = core
      self.axon = axon
    }
  }

  /// One line: what is wrong and what is allowed, without command-line wording.
  public var description: String {
    switch self {
    case let .coreTooLarge(topology, chip, axons, neurons):
      return "a core of \(topology) is larger than \(chip)'s \(axons) x \(neurons) cores"
    case let .copiesDoNotFit(copies, coresPerCopy, chip, width, height):
      return "\(copies) copies of \(coresPerCopy) cores do not fit on \(chip) (\(width) x \(height) cores)"
    case let .tooFewOutputPins(needed, chip, available):
      return "\(needed) output pins needed; \(chip) has \(available)"
    case let .outputReadTwice(layer, output, first, second):
      return "output \(output) of layer \(layer) feeds axon \(first.axon) of core \(first.core) and axon \(second.axon) of core \(second.core); "
        + "a TrueNorth neuron has one destination (splitter neurons are not implemented)"
    case let .modelDoesNotFit(chip, violation):
      return "the deployed model does not fit \(chip): \(violation)"
    case let .spfOutOfRange(spf):
      return "spf \(spf) is not allowed; spf must be at least 1"
    case let .imageSizeMismatch(pixels, inputSize):
      return "images have \(pixels) pixels; the network reads \(inputSize)"
    case let .simulation(error):
      return error.description
    case let .input(error):
      return error.description
    case let .sweepSettingsDiffer(file, found):
      return "\(file):1: was written by a sweep with other settings ('\(found)')"
    }
  }
}
