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
  /// The training plug-ins in order, each `NAME` or `NAME:key=value,...` (docs/plugins.md);
  /// clipping always runs after them.
  public var plugins: [String] = []
  /// A network file to start from (fine-tuning) instead of the seeded initialisation.
  public var initialNetwork: String? = nil
  /// Seeded data augmentation of the training images (nil: none; docs/training.md). Left out of
  /// the files when nil, so files of runs without it are unchanged.
  public var augment: Augmentation? = nil
  /// Decimals the written network's connection probabilities are rounded to (nil: written
  /// exactly): a smaller file for sharing. The test accuracy is of the rounded network; the
  /// checkpoints stay exact. Left out of the files when nil.
  public var connectionDecimals: Int? = nil
  /// Train through sampled hidden spikes (docs/training.md): 0 = off; K >= 1 draws every hidden
  /// layer's outputs as 0/1 spikes, as on the chip, K times per training image, and puts the loss
  /// on the mean of the K draws' class-neuron probabilities; the gradient passes through each draw
  /// to its probability (straight-through). Written to files only when on.
  public var sampleHidden: Int {
    get { sampleHiddenDraws ?? 0 }
    set { sampleHiddenDraws = newValue > 0 ? newValue : nil }
  }
  var sampleHiddenDraws: Int? = nil
  /// Distil a trained teacher network's outputs (nil: off; `Distillation`). Left out of the
  /// files when nil.
  public var distill: Distillation? = nil

  /// The default options.
  public init() {}

  enum CodingKeys: String, CodingKey {
    case topology, epochs, batchSize, learningRate, leakLearningRateScale, optimizer, momentum, schedule, loss, softmaxScale
    case weightTables, seed, validationCount, trainLimit, threads, plugins, initialNetwork, augment, connectionDecimals, distill
    case sampleHiddenDraws = "sampleHidden"
  }

  /// Decodes options; fields missing from older files take their defaults.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let d = TrainingOptions()
    topology = try c.decodeIfPresent(String.self, forKey: .topology) ?? d.topology
    epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
    batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
    learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
    leakLearningRateScale = try c.decodeIfPresent(Double.self, forKey: .leakLearningRateScale) ?? d.leakLearningRateScale
    optimizer = try c.decodeIfPresent(OptimizerKind.self, forKey: .optimizer) ?? d.optimizer
    momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? d.momentum
    schedule = try c.decodeIfPresent(LearningRateSchedule.self, forKey: .schedule) ?? d.schedule
    loss = try c.decodeIfPresent(LossFunction.self, forKey: .loss) ?? d.loss
    softmaxScale = try c.decodeIfPresent(Double.self, forKey: .softmaxScale) ?? d.softmaxScale
    weightTables = try c.decodeIfPresent(WeightTableStyle.self, forKey: .weightTables) ?? d.weightTables
    seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    validationCount = try c.decodeIfPresent(Int.self, forKey: .validationCount) ?? d.validationCount
    trainLimit = try c.decodeIfPresent(Int.self, forKey: .trainLimit) ?? d.trainLimit
    threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? d.threads
    plugins = try c.decodeIfPresent([String].self, forKey: .plugins) ?? d.plugins
    initialNetwork = try c.decodeIfPresent(String.self, forKey: .initialNetwork) ?? d.initialNetwork
    augment = try c.decodeIfPresent(Augmentation.self, forKey: .augment) ?? d.augment
    connectionDecimals = try c.decodeIfPresent(Int.self, forKey: .connectionDecimals) ?? d.connectionDecimals
    sampleHidden = try c.decodeIfPresent(Int.self, forKey: .sampleHiddenDraws) ?? 0
    distill = try c.decodeIfPresent(Distillation.self, forKey: .distill)
  }

  /// Whether a checkpoint written with `other` can be resumed with these options: everything but
  /// `threads` and `connectionDecimals` (which change only the network file written at the end)
  /// must match. Returns the name of the first field that differs.
  public func firstDifference(from other: TrainingOptions) -> String? {
    var a = self
    var b = other
    a.threads = 0
    b.threads = 0
    a.connectionDecimals = nil
    b.connectionDecimals = nil
    // No augmentation and `shift=0` are the same run.
    if a.augment?.isIdentity ?? true { a.augment = nil }
    if b.augment?.isIdentity ?? true { b.augment = nil }
    guard a != b else { return nil }
    let pairs: [(String, Bool)] = [
      ("topology", a.topology == b.topology), ("epochs", a.epochs == b.epochs), ("batch", a.batchSize == b.batchSize),
      ("lr", a.learningRate == b.learningRate), ("leakLearningRateScale", a.leakLearningRateScale == b.leakLearningRateScale),
      ("optimizer", a.optimizer == b.optimizer), ("momentum", a.momentum == b.momentum), ("schedule", a.schedule == b.schedule),
      ("loss", a.loss == b.loss), ("softmaxScale", a.softmaxScale == b.softmaxScale), ("weightTables", a.weightTables == b.weightTables),
      ("seed", a.seed == b.seed), ("validation", a.validationCount == b.validationCount), ("trainLimit", a.trainLimit == b.trainLimit),
      ("plugins", a.plugins == b.plugins), ("init", a.initialNetwork == b.initialNetwork),
      ("augment", (a.augment ?? Augmentation()) == (b.augment ?? Augmentation())), ("sample-hidden", a.sampleHidden == b.sampleHidden),
      ("teacher", a.distill == b.distill),
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
