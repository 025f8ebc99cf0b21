import Foundation

/// What happened in one epoch.
public struct EpochRecord: Sendable, Equatable, Codable {
  /// 1-based epoch number.
  public var epoch: Int
  /// Mean training loss over the epoch's mini-batches (data term only).
  public var trainLoss: Double
  /// Fraction of training images classified correctly during the epoch (before each step).
  public var trainAccuracy: Double
  /// Accuracy on the validation images after the epoch (nil without validation images).
  public var validationAccuracy: Double?
  /// Wall time of the epoch in seconds (not part of the deterministic result).
  public var seconds: Double
}

/// Progress inside an epoch, for progress bars.
public struct StepProgress: Sendable {
  /// 0-based epoch.
  public var epoch: Int
  /// Steps done in this epoch and steps per epoch.
  public var step: Int
  /// Steps per epoch.
  public var stepsPerEpoch: Int
  /// Running mean loss and accuracy of this epoch so far.
  public var loss: Double
  /// The running accuracy.
  public var accuracy: Double
}

/// The Tea-learning training loop: mini-batches, exact gradients, plug-ins and the optimiser.
public final class Trainer {
  /// The options of the run.
  public let options: TrainingOptions
  /// The network being trained.
  public private(set) var network: ShadowNetwork
  /// The optimiser and its state.
  public private(set) var optimizer: Optimizer
  /// The plug-ins, applied in order at every step (default: `[ClipParameters()]`).
  public var plugins: [any TrainingPlugin]
  /// Epochs completed.
  public private(set) var epochsDone: Int = 0
  /// One record per completed epoch.
  public private(set) var history: [EpochRecord] = []
  /// Training wall time so far, summed over resumed sessions.
  public private(set) var elapsedSeconds: Double = 0
  /// The training images.
  public let train: ImageSet
  /// The validation images (may be empty).
  public let validation: ImageSet

  /// The sum of the plug-ins' loss terms at the last step (the reported losses are data terms).
  public private(set) var lastRegularization: Double = 0

  let engine: GradientEngine
  /// The teacher the loss distils (`options.distill`, loaded), if any.
  public let teacher: Teacher?
  /// The network the run started from, handed to the plug-ins' `begin`.
  let initialNetwork: ShadowNetwork
  var pluginsBegun = false

  /// A fresh run: the network is initialised from `options.seed`.
  /// - Parameters:
  ///   - topology: the network's shape (its input size must match the images).
  ///   - train: the training images.
  ///   - validation: images to report accuracy on after each epoch (may be empty).
  ///   - plugins: applied in order at every step.
  ///   - initial: the network to start from (fine-tuning) instead of the seeded initialisation;
  ///     its topology must be `topology`.
  ///   - teacher: the teacher the loss distils (`Teacher.load(options.distill!, ...)`); nil
  ///     without distillation.
  public init(options: TrainingOptions, topology: Topology, train: ImageSet, validation: ImageSet,
    plugins: [any TrainingPlugin] = [ClipParameters()], initial: ShadowNetwork? = nil, teacher: Teacher? = nil)
  {
    precondition((teacher == nil) == (options.distill == nil), "a teacher goes with options.distill")
    precondition(train.pixelsPerImage == topology.inputSize, "images do not match the topology's input")
    self.options = options
    self.train = train
    self.validation = validation
    self.plugins = plugins
    precondition(initial == nil || initial!.topology == topology, "the initial network has another topology")
    network = initial ?? ShadowNetwork(topology: topology, style: options.weightTables, seed: options.seed)
    for i in self.plugins.indices { self.plugins[i].prepare(&network) }
    initialNetwork = network
    optimizer = Optimizer(kind: options.optimizer, momentum: Float(options.momentum), network: network)
    engine = GradientEngine(
      topology: topology, capacity: options.batchSize, threads: options.threads, loss: options.loss, softmaxScale: options.softmaxScale,
      hiddenDraws: max(options.sampleHidden, 1), teacher: teacher)
    self.teacher = teacher
  }

  /// Continues a run from a checkpoint; the options must match the checkpoint's (except threads).
  /// The plug-ins get their state back from the checkpoint (`TrainingPlugin.restore`).
  /// - Throws: `InputError` naming the first option that differs, or a plug-in state that does
  ///   not fit.
  public convenience init(resuming checkpoint: Checkpoint, options: TrainingOptions, train: ImageSet, validation: ImageSet,
    plugins: [any TrainingPlugin] = [ClipParameters()], initial: ShadowNetwork? = nil, teacher: Teacher? = nil, file: String = "checkpoint"
  ) throws(InputError) {
    if let field = options.firstDifference(from: checkpoint.options) {
      throw InputError(
        file: file, path: field,
        message: "the checkpoint was written with a different \(field); resume with the same options or start a fresh run")
    }
    let topology = checkpoint.network.topology
    guard train.pixelsPerImage == topology.inputSize else {
      throw InputError(
        file: file, path: "topology",
        message: "reads \(topology.inputRows) x \(topology.inputColumns) = \(topology.inputSize) values; the images have \(train.pixelsPerImage) pixels")
    }
    if let initial, initial.topology != topology {
      throw InputError(file: file, path: "topology", message: "differs from the topology of the network to fine-tune")
    }
    self.init(options: options, topology: topology, train: train, validation: validation, plugins: plugins, initial: initial, teacher: teacher)
    network = checkpoint.network
    optimizer = checkpoint.optimizer
    epochsDone = checkpoint.epochsDone
    history = checkpoint.history
    elapsedSeconds = checkpoint.elapsedSeconds
    try restorePlugins(checkpoint.pluginStates, file: file)
  }

  /// Mini-batches per epoch.
  public var stepsPerEpoch: Int { (train.count + options.batchSize - 1) / options.batchSize }

  /// The state to resume from.
  public var checkpoint: Checkpoint {
    Checkpoint(
      options: options, network: network, optimizer: optimizer, epochsDone: epochsDone, history: history, elapsedSeconds: elapsedSeconds,
      pluginStates: pluginStates)
  }

  /// The order of the training images in `epoch`: a permutation from the seed and the epoch.
  func order(epoch: Int) -> [Int] {
    var g = TeaRandom(seed: options.seed, stream: 0xE90C_0000 + UInt64(epoch))
    return g.permutation(train.count)
  }

  /// Trains one epoch and returns its record.
  /// - Parameter progress: called after every step.
  /// - Throws: the error of a plug-in that could not compute a step's gradient (TernGrad's
  ///   `CommunicationError`); the network keeps the steps taken before it.
  @discardableResult
  public func trainEpoch(progress: (StepProgress) -> Void = { _ in }) throws -> EpochRecord {
    let start = Date()
    let epoch = epochsDone
    let order = order(epoch: epoch)
    let steps = stepsPerEpoch
    let total = steps * options.epochs
    if !pluginsBegun {
      var context = StepContext(
        step: optimizer.steps, epoch: epoch, seed: options.seed, batchSize: options.batchSize, learningRate: Float(options.learningRate),
        threads: options.threads, loss: options.loss, softmaxScale: options.softmaxScale)
      context.teacher = teacher
      for i in plugins.indices { plugins[i].begin(initial: initialNetwork, context: context) }
      pluginsBegun = true
    }
    var lossSum = 0.0
    var correct = 0
    var seen = 0
    for s in 0..<steps {
      let lo = s * options.batchSize
      let count = min(options.batchSize, train.count - lo)
      var batch = MiniBatch(images: train, indices: order[lo..<(lo + count)])
      if let a = options.augment, !a.isIdentity {
        batch = MiniBatch(images: a.apply(to: train, indices: batch.indices, seed: options.seed, epoch: epoch), indices: Array(0..<count)[...])
      }
      let rate = Float(options.learningRate) * options.schedule.factor(step: optimizer.steps, total: total)
      var context = StepContext(
        step: optimizer.steps, epoch: epoch, seed: options.seed, batchSize: count, learningRate: rate, threads: options.threads,
        loss: options.loss, softmaxScale: options.softmaxScale)
      context.teacher = teacher
      if options.sampleHidden > 0 {
        var g = TeaRandom(seed: options.seed, stream: 0x5A4D_0000_0000 + UInt64(optimizer.steps))
        context.hiddenSpikeSeed = g.next()
        context.hiddenDraws = options.sampleHidden
      }
      let r = try step(batch, context: context)
      lossSum += r.loss
      correct += r.correct
      seen += count
      progress(StepProgress(epoch: epoch, step: s + 1, stepsPerEpoch: steps, loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen)))
    }
    epochsDone += 1
    let validationAccuracy = validation.count > 0 ? evaluate(validation).accuracy : nil
    let seconds = Date().timeIntervalSince(start)
    elapsedSeconds += seconds
    let record = EpochRecord(
      epoch: epochsDone, trainLoss: lossSum / Double(max(seen, 1)), trainAccuracy: Double(correct) / Double(max(seen, 1)),
      validationAccuracy: validationAccuracy, seconds: seconds)
    history.append(record)
    return record
  }

  /// One optimisation step on `batch`: the data gradient (from the first plug-in that computes
  /// it, else the trainer's engine), the plug-ins' terms and transforms, the update, the plug-ins'
  /// projections.
  func step(_ batch: MiniBatch, context: StepContext) throws -> (loss: Double, correct: Int) {
    var data: BatchGradient? = nil
    for i in plugins.indices where data == nil { data = try plugins[i].computeGradient(network, batch: batch, context: context) }
    let r = data ?? engine.lossAndGradient(network, on: batch, hiddenSpikes: context.hiddenSpikeSeed)
    var g = r.gradient
    var regularization = 0.0
    for i in plugins.indices { regularization += plugins[i].regularize(network, gradient: &g, context: context) }
    lastRegularization = regularization
    for i in plugins.indices { plugins[i].transformGradient(&g, network: network, context: context) }
    optimizer.step(&network, gradient: g, rate: context.learningRate, leakRate: context.learningRate * Float(options.leakLearningRateScale))
    for i in plugins.indices { plugins[i].afterStep(&network, context: context) }
    return (r.lossSum, r.correct)
  }

  /// Accuracy and mean loss of the current network on `images`.
  public func evaluate(_ images: ImageSet) -> (accuracy: Double, loss: Double) {
    network.accuracy(on: images, loss: options.loss, softmaxScale: options.softmaxScale, threads: options.threads)
  }
}
