import TeaLearning
import TrueNorth
import TrueNorthIO

/// How a deployment's output spikes become classes (docs/deployment.md, docs/deployed-format.md):
/// the class of every output pin, and the rule that picks a frame's class.
///
/// Frame f's outputs are the pin spikes of ticks [f spf + D, (f + 1) spf + D), D the pipeline
/// depth; spikes before the pipeline fills belong to no frame. The class with most spikes over
/// all copies wins (divided by the class's neuron count when the score is the mean); ties go to
/// the lowest class.
public struct Readout: Sendable, Equatable {
  /// Classes of the readout.
  public var classes: Int
  /// The class of each output pin (pin = copy * outputs + output).
  public var pinClass: [Int32]
  /// Neurons voting for each class in one copy.
  public var neuronsPerClass: [Int]
  /// Whether a class's count is the sum or the mean over its neurons.
  public var score: ClassScore
  /// Ticks from an input spike to the output spikes it causes: one per layer after the first.
  public var pipelineDepth: Int
  /// Per pin, the chip core id and neuron that sends to it; nil for a class neuron that packing
  /// removed (it never fires; its pin keeps its class).
  public var pinSource: [PinSource?]

  /// The neuron behind an output pin.
  public struct PinSource: Sendable, Equatable {
    /// The chip core id (y * width + x).
    public var core: Int32
    /// The neuron of that core.
    public var neuron: Int32

    /// A pin's neuron.
    public init(core: Int32, neuron: Int32) {
      self.core = core
      self.neuron = neuron
    }
  }

  /// A readout from its tables.
  public init(classes: Int, pinClass: [Int32], neuronsPerClass: [Int], score: ClassScore, pipelineDepth: Int, pinSource: [PinSource?]) {
    self.classes = classes
    self.pinClass = pinClass
    self.neuronsPerClass = neuronsPerClass
    self.score = score
    self.pipelineDepth = pipelineDepth
    self.pinSource = pinSource
  }

  /// Each class's weight in the vote: 1, or 1 / neurons for a mean score.
  var classWeights: [Double] { neuronsPerClass.map { score == .mean ? 1 / Double(max($0, 1)) : 1.0 } }

  /// The winning class of a frame's spike counts per class: most (weighted) spikes, ties to the
  /// lowest class.
  public func winner(_ counts: [Int]) -> Int {
    winner(counts, weights: classWeights)
  }

  func winner(_ counts: [Int], weights: [Double]) -> Int {
    var best = 0
    for k in 1..<classes where Double(counts[k]) * weights[k] > Double(counts[best]) * weights[best] { best = k }
    return best
  }

  /// The classes of `frames` frames read from recorded output spikes (pin spikes; others are
  /// ignored) of a stream at `spf` ticks per frame whose frame 0 began in tick 0.
  /// - Throws: `DeploymentError.spfOutOfRange`; `.input` for a pin the deployment does not have.
  public func classes(of spikes: [OutputSpike], frames: Int, spf: Int) throws(DeploymentError) -> [Int] {
    guard spf >= 1 else { throw DeploymentError.spfOutOfRange(spf) }
    var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: frames)
    for s in spikes where s.pin >= 0 {
      guard Int(s.pin) < pinClass.count else {
        throw DeploymentError.input(InputError(file: "output spikes", path: "pin", message: "pin \(s.pin) is not an output of this deployment (0...\(pinClass.count - 1))"))
      }
      let t = Int(s.tick) - pipelineDepth
      guard t >= 0, t / spf < frames else { continue }
      counts[t / spf][Int(pinClass[Int(s.pin)])] += 1
    }
    let weights = classWeights
    return counts.map { winner($0, weights: weights) }
  }
}
