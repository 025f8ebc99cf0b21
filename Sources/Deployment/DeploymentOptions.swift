import TrueNorth
import TrueNorthIO

/// How a trained network is turned into a chip configuration (docs/deployment.md).
public struct DeploymentOptions: Sendable, Equatable {
  /// Independent samples of the network placed side by side.
  public var copies: Int = 1
  /// Seed of the synapse sampling (and of the chip model's per-core generators).
  public var seed: UInt64 = 1
  /// How a trained leak bias b becomes the integer leak.
  public var leak: LeakRounding = .floor
  /// Shrink each neuron's weight for an axon type to the smallest integer magnitude that still
  /// realises every trained effective weight c * s of that type, raising the probabilities: the
  /// same expected input with less variance (the seed's p = w / c rule).
  public var shrinkWeights: Bool = true
  /// The largest factor k by which a neuron's weights, leak and expected input may be multiplied
  /// (each neuron gets the largest k up to this whose weights and leak fit 9 bits): with shrunk
  /// weights its synapse probabilities rise up to k-fold, so the variance relative to the mean
  /// falls, and its leak is rounded to 1/k of a trained unit. The neuron's decision
  /// k (input + b) >= 0 is the trained one. 1 = no scaling.
  public var scale: Int = 1
  /// Remove the axons and neurons that cannot affect the outputs and pack the cores' live parts
  /// into as few chip cores as fit (`CorePacking`); exact, and it changes nothing for a network
  /// without removable parts.
  public var pack: Bool = true
  /// Whether each copy draws its own input spikes (`InputSampling`).
  public var inputs: InputSampling = .independent
  /// Whether the copies' synapses are drawn independently or stratified across the copies
  /// (`SynapseSampling`).
  public var synapses: SynapseSampling = .independent

  /// The defaults: 1 copy, seed 1, floor leaks, shrunk weights, scale 1, packed, independent inputs
  /// and synapses.
  public init() {}

  /// Rounding of the trained leak bias b to the chip's integer leak.
  public enum LeakRounding: String, Sendable, CaseIterable {
    /// floor(b): for an integer input sum S, S + b >= 0 exactly when S + floor(b) >= 0, so the
    /// deployed neuron makes the hard decision the shadow neuron's mean describes.
    case floor
    /// The nearest integer.
    case round
    /// floor(b), plus a one-bit threshold mask (TM = 1) when the fraction of b is at least 1/4 and
    /// below 3/4: the threshold is then 0 or 1 with equal chance, i.e. b's fraction dithered to 1/2.
    /// The neuron stays memoryless (a potential of 0 below a threshold of 1 is the rest state).
    case dither
  }
}

/// How the copies of a deployment draw their synapses. Each copy's synapse of probability p is
/// present with probability p either way, and the synapses within a copy are independent.
public enum SynapseSampling: String, Sendable, CaseIterable {
  /// Every copy draws every synapse independently (the default).
  case independent
  /// The copies' draws of one synapse are stratified (Latin hypercube sampling): with N copies,
  /// copy c draws u = (pi(c) + v) / N, where pi is a random permutation of the copies, one per
  /// synapse, shared by all copies, and v the copy's own uniform draw. A synapse of probability p
  /// is then present in floor(pN) or floor(pN) + 1 copies, never more or fewer, so the copies'
  /// sum has less variance; 1 copy draws exactly what independent sampling draws.
  case stratified
}

/// The greatest common divisor of two non-negative integers (the stratified draws' permutations
/// alpha c + beta mod N need alpha prime to N).
func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int { b == 0 ? a : greatestCommonDivisor(b, a % b) }

/// Where the deployed network's parts are on the chip: every copy's cores.
public struct Placement: Sendable, Equatable {
  /// The chip or board the copies are placed on.
  public var chip: ChipDefinition
  /// `cores[copy][k]` is the (x, y) of core k (topology order) of that copy.
  public var cores: [[(x: Int, y: Int)]]
  /// Width of the block of cores one copy occupies.
  public var blockWidth: Int
  /// Height of that block.
  public var blockHeight: Int

  /// Same chip, block and core positions.
  public static func == (a: Placement, b: Placement) -> Bool {
    a.chip == b.chip && a.blockWidth == b.blockWidth && a.blockHeight == b.blockHeight
      && a.cores.count == b.cores.count
      && zip(a.cores, b.cores).allSatisfy { zip($0, $1).allSatisfy { $0.x == $1.x && $0.y == $1.y } }
  }
}
