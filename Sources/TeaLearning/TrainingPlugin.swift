/// Where a training step is when a plug-in is called.
public struct StepContext: Sendable {
  /// Steps taken before this one (0 for the first step of the run).
  public var step: Int
  /// The 0-based epoch the step belongs to.
  public var epoch: Int
  /// The run's seed (stateful plug-ins derive their randomness from it and `step`, so that a
  /// resumed run repeats it exactly).
  public var seed: UInt64
  /// Images in this step's mini-batch.
  public var batchSize: Int
  /// The learning rate of the connections at this step (after the schedule).
  public var learningRate: Float
  /// The run's thread setting (1: the calling thread only; results never depend on it).
  public var threads: Int = 0
  /// The loss of the run and its softmax scale, for plug-ins that compute gradients themselves.
  public var loss: LossFunction = .gaussian
  /// The factor on the class scores before a softmax.
  public var softmaxScale: Double = 1
  /// When the run trains through sampled hidden spikes, this step's seed of the draws (pass it to
  /// `GradientEngine.lossAndGradient`); nil otherwise.
  public var hiddenSpikeSeed: UInt64? = nil
  /// Draws of the hidden spikes per image when they are sampled (a `GradientEngine`'s `hiddenDraws`).
  public var hiddenDraws: Int = 1
  /// The teacher the run distils (pass it to a `GradientEngine`), if any.
  public var teacher: Teacher? = nil

  /// A context from its parts.
  public init(step: Int, epoch: Int, seed: UInt64, batchSize: Int, learningRate: Float, threads: Int = 0, loss: LossFunction = .gaussian,
    softmaxScale: Double = 1)
  {
    self.step = step
    self.epoch = epoch
    self.seed = seed
    self.batchSize = batchSize
    self.learningRate = learningRate
    self.threads = threads
    self.loss = loss
    self.softmaxScale = softmaxScale
  }
}

/// A plug-in of the training loop: regularisers, gradient transforms and after-step projections
/// attach here without touching the loop.
///
/// When a trainer is made, each plug-in may change the network a fresh run starts from
/// (`prepare`, e.g. to remove the groups of a sparsity structure). Once per run, before the first
/// step (also when a run is resumed), the trainer calls `begin` with the network the run started
/// from. In every step the data loss and its gradient (the mean
/// over the mini-batch) come from the first plug-in whose `computeGradient` returns one (a
/// data-parallel plug-in), else from the trainer's own engine; then, for each plug-in in order:
/// 1. `regularize`: adds a term to the loss and its gradient to `gradient`;
/// 2. `transformGradient`: rewrites the gradient before the optimiser sees it (e.g. ternarisation);
/// then the optimiser updates the parameters, and finally, for each plug-in in order,
/// 3. `afterStep`: projects the parameters (clipping, zeroing, masks).
///
/// A plug-in that carries state from step to step (a pruning mask, gradient residuals) returns it
/// from `checkpointState`; the trainer's checkpoint holds it, and a resumed run hands it back to
/// `restore` (after `prepare`, before `begin`), so that the resumed run repeats the straight one
/// bit for bit.
///
/// Every method has a default that does nothing. The default plug-in list is `[ClipParameters()]`;
/// put plug-ins whose projections must be clipped afterwards in front of it.
public protocol TrainingPlugin {
  /// A short name for logs and training metadata.
  var name: String { get }
  /// Changes the network a run starts from (the seeded initialisation or the `--init` network),
  /// in plug-in order, before `begin`; a resumed run starts from the same prepared network.
  mutating func prepare(_ network: inout ShadowNetwork)
  /// Called once before the first step of a run (fresh or resumed) with the network the run
  /// started from (the seeded initialisation or the `--init` network), not the resumed one.
  mutating func begin(initial: ShadowNetwork, context: StepContext)
  /// Computes the step's data term itself (data-parallel training), or returns nil to leave it
  /// to the trainer (or to a later plug-in).
  /// - Throws: when the plug-in cannot compute it (TernGrad: a `CommunicationError` when a peer
  ///   is lost); the trainer stops and passes the error on.
  mutating func computeGradient(_ network: ShadowNetwork, batch: MiniBatch, context: StepContext) throws -> BatchGradient?
  /// Adds the plug-in's loss term: returns its value and adds its gradient to `gradient`.
  mutating func regularize(_ network: ShadowNetwork, gradient: inout ParameterGradient, context: StepContext) -> Double
  /// Rewrites the gradient before it is applied.
  mutating func transformGradient(_ gradient: inout ParameterGradient, network: ShadowNetwork, context: StepContext)
  /// Projects the parameters after the optimiser's update.
  mutating func afterStep(_ network: inout ShadowNetwork, context: StepContext)
  /// The state the plug-in carries from one step to the next, for the checkpoint (nil: none).
  func checkpointState() -> PluginState?
  /// Continues from the state `checkpointState` gave when the checkpoint was written; called
  /// when a run is resumed, after `prepare` and before `begin`, with the resumed `network`.
  /// `state` is nil when the checkpoint holds none for this plug-in.
  /// - Throws: `InputError` naming `file` when the state is missing but needed, or does not fit
  ///   the plug-in's settings or the network.
  mutating func restore(_ state: PluginState?, network: ShadowNetwork, file: String) throws(InputError)
}

extension TrainingPlugin {
  /// Does nothing.
  public mutating func prepare(_ network: inout ShadowNetwork) {}
  /// Does nothing.
  public mutating func begin(initial: ShadowNetwork, context: StepContext) {}
  /// Leaves the data term to the trainer (returns nil).
  public mutating func computeGradient(_ network: ShadowNetwork, batch: MiniBatch, context: StepContext) throws -> BatchGradient? { nil }
  /// Adds nothing (returns 0).
  public mutating func regularize(_ network: ShadowNetwork, gradient: inout ParameterGradient, context: StepContext) -> Double { 0 }
  /// Leaves the gradient as it is.
  public mutating func transformGradient(_ gradient: inout ParameterGradient, network: ShadowNetwork, context: StepContext) {}
  /// Does nothing.
  public mutating func afterStep(_ network: inout ShadowNetwork, context: StepContext) {}
  /// None (nil).
  public func checkpointState() -> PluginState? { nil }
  /// Does nothing: a plug-in without state has nothing to restore.
  public mutating func restore(_ state: PluginState?, network: ShadowNetwork, file: String) throws(InputError) {}
}

/// A plug-in's state between steps as a checkpoint holds it: its name, a few integers and Float32
/// arrays (stored bit for bit).
public struct PluginState: Sendable, Equatable {
  /// The plug-in's `name`.
  public var name: String
  /// Counters and settings (a pruning stage, the ranks whose residuals follow).
  public var integers: [Int]
  /// The arrays (a mask as 0 and 1, residuals).
  public var arrays: [[Float]]

  /// A state from its parts.
  public init(name: String, integers: [Int] = [], arrays: [[Float]] = []) {
    self.name = name
    self.integers = integers
    self.arrays = arrays
  }
}

extension Trainer {
  /// Hands every plug-in its state from a checkpoint being resumed (`states`: one per plug-in in
  /// order, nil for a plug-in without state; empty when the checkpoint holds none).
  /// - Throws: `InputError` naming `file` when the states do not match the plug-ins (count, names)
  ///   or a plug-in refuses its state.
  func restorePlugins(_ states: [PluginState?], file: String) throws(InputError) {
    guard states.isEmpty || states.count == plugins.count else {
      throw InputError(
        file: file, path: "pluginStates",
        message: "holds the state of \(states.count) plug-ins; the run has \(plugins.count); resume with the same options or start a fresh run")
    }
    for i in plugins.indices {
      let state = states.isEmpty ? nil : states[i]
      if let state, state.name != plugins[i].name {
        throw InputError(
          file: file, path: "pluginStates[\(i)]", message: "is the state of \(state.name); the run's plug-in \(i + 1) is \(plugins[i].name)")
      }
      try plugins[i].restore(state, network: network, file: file)
    }
  }

  /// The plug-ins' states for the checkpoint: one per plug-in, or empty when none has any.
  var pluginStates: [PluginState?] {
    let states = plugins.map { $0.checkpointState() }
    return states.allSatisfy { $0 == nil } ? [] : states
  }
}

/// The default after-step projection: connection probabilities into [0, 1], leaks into
/// [-255, 255] (the chip's leak range).
public struct ClipParameters: TrainingPlugin, Sendable {
  /// The range of the connection probabilities.
  public var connections: ClosedRange<Float> = 0...1
  /// The range of the leaks.
  public var leaks: ClosedRange<Float> = ShadowNetwork.leakRange

  /// The default clipper.
  public init() {}

  /// `clip`.
  public var name: String { "clip" }

  /// Clips every connection into `connections` and every leak into `leaks`.
  public mutating func afterStep(_ network: inout ShadowNetwork, context: StepContext) {
    for k in network.cores.indices {
      let c = connections
      let l = leaks
      for i in network.cores[k].connections.indices {
        network.cores[k].connections[i] = min(max(network.cores[k].connections[i], c.lowerBound), c.upperBound)
      }
      for i in network.cores[k].leaks.indices { network.cores[k].leaks[i] = min(max(network.cores[k].leaks[i], l.lowerBound), l.upperBound) }
    }
  }
}
