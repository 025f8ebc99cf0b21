/// Every choice of a training run. Two runs with equal options (other than `threads`) and the
/// same data give bit-identical networks.
public struct TrainingOptions: Sendable, Equatable, Codable {
  /// A built-in topology name (`mnist-5core`, `mnist-21core`) or a topology file path.
  public var topology: String = "mnist-5core"
  /// Passes over the training images.
  public var epochs: Int = 15
  /// Images per mini-batch.
  public var batchSize: Int = 64
  /// The learning rate of the connection probabilities.
  public var learningRate: Double = 0.005
  /// The learning rate of the leaks is `learningRate * leakLearningRateScale` (leaks live on a
  /// scale of spikes, connections on [0, 1]).
  public var leakLearningRateScale: Double = 10
  /// Adam or SGD with momentum.
  public var optimizer: OptimizerKind = .adam
  /// Momentum of SGD.
  public var momentum: Double = 0.9
  /// How the learning rate changes over the run.
  public var schedule: LearningRateSchedule = .cosine
  /// The loss on the class neurons.
  public var loss: LossFunction = .gaussian
  /// The factor on the class scores before the softmax.
  public var softmaxScale: Double = 1
  /// How axon types and weight tables are chosen.
  public var weightTables: WeightTableStyle = .pytruenorth
  /// The seed of every random choice.
  public var seed: UInt64 = 1
  /// Training images held out for validation (a seeded split).
  public var validationCount: Int = 5000
  /// Use only the first this many training images after the split (0: all), for quick runs.
  public var trainLimit: Int = 0
  /// Worker threads: 1 runs on the calling thread, 0 (or any other value) uses all processors.
  /// Results do not depend on it.
  public var threads: Int = 0

  /// The default options.
  public init() {}

  /// Whether a checkpoint written with `other` can be resumed with these options: everything but
  /// `threads` must match. Returns the name of the first field that differs.
  public func firstDifference(from other: TrainingOptions) -> String? {
    var a = self
    var b = other
    a.threads = 0
    b.threads = 0
    guard a != b else { return nil }
    let pairs: [(String, Bool)] = [
      ("topology", a.topology == b.topology), ("epochs", a.epochs == b.epochs), ("batch", a.batchSize == b.batchSize),
      ("lr", a.learningRate == b.learningRate), ("leakLearningRateScale", a.leakLearningRateScale == b.leakLearningRateScale),
      ("optimizer", a.optimizer == b.optimizer), ("momentum", a.momentum == b.momentum), ("schedule", a.schedule == b.schedule),
      ("loss", a.loss == b.loss), ("softmaxScale", a.softmaxScale == b.softmaxScale), ("weightTables", a.weightTables == b.weightTables),
      ("seed", a.seed == b.seed), ("validation", a.validationCount == b.validationCount), ("trainLimit", a.trainLimit == b.trainLimit),
    ]
    return pairs.first { !$0.1 }?.0 ?? "options"
  }

  /// The score the readout ranks classes by, matching the loss.
  public var score: ClassScore { loss == .gaussian ? .mean : .sum }
}

/// How the readout scores a class from its output neurons' spike probabilities (or counts).
public enum ClassScore: String, Sendable, Codable {
  /// The sum over the class's neurons (the expected spike count).
  case sum
  /// The mean over the class's neurons.
  case mean
}
