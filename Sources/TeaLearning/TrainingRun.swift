import Foundation

/// What a training run reports while it works, for progress bars and logs.
public enum TrainingEvent: Sendable {
  /// The data is loaded and split.
  case loaded(train: Int, validation: Int, test: Int)
  /// A checkpoint was found and the run continues after `epochsDone` epochs.
  case resumed(epochsDone: Int)
  /// A mini-batch step finished.
  case step(StepProgress)
  /// An epoch finished and its checkpoint was written.
  case epoch(EpochRecord, of: Int)
  /// The final test-set evaluation begins.
  case testing
}

/// The outcome of `TrainingRun.run`.
public struct TrainingResult: Sendable {
  /// The trained network with its metadata (also written to the output file).
  public var trained: TrainedNetwork
  /// The metadata: accuracies, epochs, time.
  public var metadata: TrainingMetadata { trained.training! }
  /// Where the network file was written.
  public var output: String
  /// Where the checkpoint was written.
  public var checkpoint: String
  /// TernGrad's or gradient dropping's traffic in this session, when one ran.
  public var communication: CommunicationStatistics? = nil
}

/// A whole training run as `tnsim train` performs it: load and verify MNIST, split, train with a
/// checkpoint after every epoch (or resume from one), evaluate the shadow network on the test
/// set, write the network file.
public enum TrainingRun {
  /// The checkpoint path used when none is given: the output path plus `.checkpoint`.
  public static func defaultCheckpoint(for output: String) -> String { output + ".checkpoint" }

  /// Runs (or resumes) a training run.
  /// - Parameters:
  ///   - options: every choice of the run.
  ///   - dataDirectory: where the decompressed MNIST files are (`data/mnist`).
  ///   - output: the network file to write.
  ///   - checkpoint: the checkpoint file (default: `output + ".checkpoint"`).
  ///   - resume: continue from the checkpoint (which must exist and match `options`).
  ///   - plugins: the training plug-ins (default: those `options.plugins` names, then clipping).
  ///   - progress: called on the calling thread.
  ///   - writeFiles: write the checkpoints and the network file (false on the ranks of a run
  ///     between processes other than the one that writes).
  /// - Throws: `PluginSpecError` for a plug-in setting that is unknown or out of range;
  ///   `InputError` for missing or corrupt data, a bad topology, an unusable
  ///   checkpoint or an unwritable output.
  public static func run(
    options: TrainingOptions, dataDirectory: String = MNIST.defaultDirectory, output: String, checkpoint: String? = nil, resume: Bool = false,
    plugins: [any TrainingPlugin]? = nil, progress: (TrainingEvent) -> Void = { _ in }, writeFiles: Bool = true
  ) throws -> TrainingResult {
    var plugins = plugins ?? []
    if plugins.isEmpty { plugins = try TrainingPlugins.make(for: options) }
    // Fine-tuning starts from a network file, whose topology and weight tables it keeps.
    var initial: ShadowNetwork? = nil
    var options = options
    if let path = options.initialNetwork {
      initial = try TrainedNetwork.read(from: path).network
      // The run's topology is the initial network's, whatever --topology said.
      options.topology = initial!.topology.name
    }
    var topology: Topology
    if let initial { topology = initial.topology } else { topology = try Topology.resolve(options.topology) }
    for case let ssl as StructuredSparsity in plugins { try ssl.validate(topology: topology) }
    for case let tie as TiedCores in plugins { try tie.validate(topology: topology, file: options.topology) }
    let teacher = try options.distill.map { d throws(InputError) in try Teacher.load(d, for: topology) }
    let checkpointPath = checkpoint ?? defaultCheckpoint(for: output)
    // Between processes each process keeps only its own ranks' residuals, and one process writes
    // the checkpoint: the others' would be lost (every process decides alike, before any work).
    if resume, let gd = plugins.first(where: { $0 is GradientDropping }) as? GradientDropping, gd.communicator.localRanks.count < gd.workers {
      throw InputError(
        file: checkpointPath, path: "plugins",
        message: "gdrop between processes keeps each rank's residuals in its own process; the checkpoint holds one process's; start a fresh run instead of resuming")
    }
    let mnist = try MNIST.load(directory: dataDirectory)
    guard mnist.train.pixelsPerImage == topology.inputSize else {
      throw InputError(file: options.topology, path: "input", message: "\(topology.inputRows) x \(topology.inputColumns) does not match the 28 x 28 MNIST images")
    }
    guard topology.classes == 10 else {
      throw InputError(file: options.topology, path: "classes", message: "is \(topology.classes); MNIST has 10")
    }
    var (train, validation) = mnist.train.split(validationCount: options.validationCount, seed: options.seed)
    if options.trainLimit > 0 && options.trainLimit < train.count { train = train.subset(0..<options.trainLimit) }
    progress(.loaded(train: train.count, validation: validation.count, test: mnist.test.count))
    let trainer: Trainer
    if resume {
      trainer = try Trainer(resuming: try Checkpoint.read(from: checkpointPath), options: options, train: train, validation: validation,
        plugins: plugins, initial: initial, teacher: teacher, file: checkpointPath)
      guard trainer.network.topology == topology else {
        throw InputError(file: checkpointPath, path: "topology", message: "differs from \(options.topology); start a fresh run instead of resuming")
      }
      progress(.resumed(epochsDone: trainer.epochsDone))
    } else {
      trainer = Trainer(
        options: options, topology: topology, train: train, validation: validation, plugins: plugins, initial: initial, teacher: teacher)
    }
    while trainer.epochsDone < options.epochs {
      let record = try trainer.trainEpoch { progress(.step($0)) }
      if writeFiles { try trainer.checkpoint.write(to: checkpointPath) }
      progress(.epoch(record, of: options.epochs))
    }
    progress(.testing)
    var network = trainer.network
    if let d = options.connectionDecimals { network.roundConnections(decimals: d) }
    let test = network.accuracy(on: mnist.test, loss: options.loss, softmaxScale: options.softmaxScale, threads: options.threads)
    let metadata = TrainingMetadata(
      options: options, epochs: trainer.epochsDone, trainImages: train.count, validationImages: validation.count,
      validationAccuracy: trainer.history.last?.validationAccuracy, testAccuracy: test.accuracy, testImages: mnist.test.count,
      trainingSeconds: trainer.elapsedSeconds, history: trainer.history)
    let trained = TrainedNetwork(network: network, score: options.score, training: metadata)
    if writeFiles { try trained.write(to: output) }
    let communication = trainer.plugins.compactMap { ($0 as? TernGrad)?.statistics ?? ($0 as? GradientDropping)?.statistics }.first
    return TrainingResult(trained: trained, output: output, checkpoint: checkpointPath, communication: communication)
  }
}
