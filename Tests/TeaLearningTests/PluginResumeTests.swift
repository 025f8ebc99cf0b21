import Foundation
import Testing
@testable import TeaLearning

/// Runs with state between steps (the pruning mask, gradient dropping's residuals and momenta),
/// killed after an epoch and resumed from the checkpoint's bytes, end exactly as the straight run:
/// the same network file byte for byte (wall-clock fields aside) and the same per-epoch losses.
@Suite struct PluginResumeTests {
  static let train = syntheticSet(count: 96, seed: 11)
  static let validation = syntheticSet(count: 32, seed: 12)

  static func options(epochs: Int, threads: Int = 1) -> TrainingOptions {
    var o = TrainerTests.options(threads: threads)
    o.epochs = epochs
    o.learningRate = 0.02
    return o
  }

  /// A trainer with fresh plug-ins from `make` (a run's plug-ins are made anew in each process).
  static func trainer(_ make: () -> [any TrainingPlugin], epochs: Int, initial: ShadowNetwork?) -> Trainer {
    Trainer(
      options: options(epochs: epochs), topology: TrainerTests.topology, train: train, validation: validation, plugins: make() + [ClipParameters()],
      initial: initial)
  }

  /// The straight run, and the run killed after `killAfter` epochs and resumed from the
  /// checkpoint's bytes (as written to and read from the file).
  static func straightAndResumed(_ make: () -> [any TrainingPlugin], epochs: Int, killAfter: Int, initial: ShadowNetwork? = nil) throws -> (
    straight: Trainer, resumed: Trainer, bytes: [UInt8]
  ) {
    let straight = trainer(make, epochs: epochs, initial: initial)
    for _ in 0..<epochs { try straight.trainEpoch() }
    let first = trainer(make, epochs: epochs, initial: initial)
    for _ in 0..<killAfter { try first.trainEpoch() }
    let bytes = try first.checkpoint.encoded()
    let resumed = try Trainer(
      resuming: try Checkpoint.decode(bytes, file: "c"), options: options(epochs: epochs), train: train, validation: validation,
      plugins: make() + [ClipParameters()], initial: initial)
    while resumed.epochsDone < epochs { try resumed.trainEpoch() }
    return (straight, resumed, bytes)
  }

  /// The trainer's whole state (network, optimiser moments, plug-in states, history) with the
  /// wall-clock fields set aside.
  static func state(_ t: Trainer) -> Checkpoint {
    var c = t.checkpoint
    c.elapsedSeconds = 0
    for i in c.history.indices { c.history[i].seconds = 0 }
    return c
  }

  static func prune() -> [any TrainingPlugin] { [MagnitudePruning(sparsity: [0.6, 0.3], steps: 3, every: 1)] }

  /// Killed after the first and after the second pruning step: the remaining steps prune the same
  /// connections and the file is the same.
  @Test(arguments: [1, 2, 3])
  func aResumedPruningRunEqualsTheStraightOne(killAfter: Int) throws {
    let (straight, resumed, bytes) = try Self.straightAndResumed(Self.prune, epochs: 4, killAfter: killAfter, initial: PruningTests.dense)
    #expect(Array(bytes[0..<8]) == Array("TNTEACK2".utf8))
    #expect(try ResumeBytesTests.file(resumed) == ResumeBytesTests.file(straight))
    #expect(resumed.history.map(\.trainLoss) == straight.history.map(\.trainLoss))
    let same = Self.state(resumed) == Self.state(straight)
    #expect(same, "the optimiser's moments or the mask differ")
    let a = try #require(resumed.plugins[0] as? MagnitudePruning), b = try #require(straight.plugins[0] as? MagnitudePruning)
    #expect(a.pruned == b.pruned && a.stage == 3 && b.stage == 3)
  }

  static func gdrop(_ momentum: Float) -> () -> [any TrainingPlugin] {
    { [GradientDropping(communicator: InProcessCommunicator(workers: 3), keep: 0.05, momentum: momentum)] }
  }

  @Test(arguments: [Float(0), 0.9])
  func aResumedGradientDroppingRunEqualsTheStraightOne(momentum: Float) throws {
    let (straight, resumed, bytes) = try Self.straightAndResumed(Self.gdrop(momentum), epochs: 3, killAfter: 1)
    #expect(Array(bytes[0..<8]) == Array("TNTEACK2".utf8))
    #expect(try ResumeBytesTests.file(resumed) == ResumeBytesTests.file(straight))
    #expect(resumed.history.map(\.trainLoss) == straight.history.map(\.trainLoss))
    let same = Self.state(resumed) == Self.state(straight)
    #expect(same, "the optimiser's moments or the residuals differ")
    let a = try #require(resumed.plugins[0] as? GradientDropping), b = try #require(straight.plugins[0] as? GradientDropping)
    #expect(a.residuals.map { $0.map { $0.map(\.bitPattern) } } == b.residuals.map { $0.map { $0.map(\.bitPattern) } })
    #expect(a.velocities.map { $0.map { $0.map(\.bitPattern) } } == b.velocities.map { $0.map { $0.map(\.bitPattern) } })
    #expect(a.velocities.isEmpty == (momentum == 0))
  }

  /// The residuals matter: resumed with zero residuals instead, the run ends elsewhere (so the
  /// test above would see a checkpoint that lost them).
  @Test func residualsLostWouldShowInTheResult() throws {
    let (straight, _, bytes) = try Self.straightAndResumed(Self.gdrop(0), epochs: 3, killAfter: 1)
    var checkpoint = try Checkpoint.decode(bytes, file: "c")
    let state = try #require(checkpoint.pluginStates[0])
    checkpoint.pluginStates[0]!.arrays = state.arrays.map { [Float](repeating: 0, count: $0.count) }
    let resumed = try Trainer(
      resuming: checkpoint, options: Self.options(epochs: 3), train: Self.train, validation: Self.validation, plugins: Self.gdrop(0)() + [ClipParameters()])
    while resumed.epochsDone < 3 { try resumed.trainEpoch() }
    #expect(resumed.network != straight.network)
  }

  /// The states survive the file exactly; a run without stateful plug-ins writes a `TNTEACK1` file
  /// without `pluginStates`, as before.
  @Test func statesRoundTripAndPlainRunsKeepTheFirstFormat() throws {
    let t = Self.trainer(Self.gdrop(0.9), epochs: 1, initial: nil)
    try t.trainEpoch()
    let checkpoint = t.checkpoint
    #expect(checkpoint.pluginStates.count == 2 && checkpoint.pluginStates[0]?.integers == [0, 1, 2] && checkpoint.pluginStates[1] == nil)
    #expect(try Checkpoint.decode(try checkpoint.encoded(), file: "c") == checkpoint)
    let plain = Self.trainer({ [] }, epochs: 1, initial: nil)
    try plain.trainEpoch()
    let bytes = try plain.checkpoint.encoded()
    #expect(Array(bytes[0..<8]) == Array("TNTEACK1".utf8))
    #expect(!String(decoding: bytes, as: UTF8.self).contains("pluginStates"))
    #expect(try Checkpoint.decode(bytes, file: "c").pluginStates.isEmpty)
  }

  /// Resuming refuses a checkpoint without the state (as written before states were saved), with
  /// another plug-in's state, or with a state that does not fit, naming the file and the field.
  @Test func statesThatDoNotFitAreRefused() throws {
    let first = Self.trainer(Self.prune, epochs: 4, initial: PruningTests.dense)
    try first.trainEpoch()
    let good = first.checkpoint
    func refused(_ c: Checkpoint, _ make: () -> [any TrainingPlugin] = Self.prune, path: String) {
      #expect {
        _ = try Trainer(
          resuming: c, options: Self.options(epochs: 4), train: Self.train, validation: Self.validation, plugins: make() + [ClipParameters()],
          initial: PruningTests.dense, file: "ck")
      } throws: { error in
        let e = error as? InputError
        return e?.file == "ck" && e?.path == path
      }
    }
    var old = good
    old.pluginStates = []
    refused(old, path: "pluginStates.prune")
    var short = good
    short.pluginStates[0]!.arrays[0].removeLast()
    refused(short, path: "pluginStates.prune")
    var stage = good
    stage.pluginStates[0]!.integers = [2]
    refused(stage, path: "pluginStates.prune")
    var flipped = good
    let i = try #require(flipped.pluginStates[0]!.arrays[0].firstIndex(of: 1))
    flipped.pluginStates[0]!.arrays[0][i] = 0
    refused(flipped, path: "pluginStates.prune")
    // The first pruned connection in flat order is in core 0 (the first layer's first core).
    try #require(i < good.network.cores[0].connections.count)
    var nonzero = good
    nonzero.network.cores[0].connections[i] = 0.5
    refused(nonzero, path: "cores[0].connections[\(i)]")
    refused(good, { [ProbabilityRegularizer(lambda: 0.001)] }, path: "pluginStates[0]")
    refused(good, { [] }, path: "pluginStates")
    // Gradient dropping: another number of ranks than the checkpoint's.
    let g = Self.trainer(Self.gdrop(0), epochs: 2, initial: nil)
    try g.trainEpoch()
    #expect {
      _ = try Trainer(
        resuming: g.checkpoint, options: Self.options(epochs: 2), train: Self.train, validation: Self.validation,
        plugins: [GradientDropping(communicator: InProcessCommunicator(workers: 2), keep: 0.05)] + [ClipParameters()], file: "ck")
    } throws: { error in
      (error as? InputError)?.path == "pluginStates.gdrop"
    }
  }

  /// A corrupt length in the header is refused before anything is read (the digest is made anew,
  /// as a writer that lies would).
  @Test func aLengthPastTheEndIsRefused() throws {
    let t = Self.trainer(Self.gdrop(0), epochs: 1, initial: nil)
    try t.trainEpoch()
    let bytes = try t.checkpoint.encoded()
    var n = 0
    for k in 0..<4 { n |= Int(bytes[8 + k]) << (8 * k) }
    var json = String(decoding: bytes[12..<(12 + n)], as: UTF8.self)
    let range = try #require(json.range(of: #""lengths":\[[0-9]+"#, options: .regularExpression))
    json.replaceSubrange(range, with: "\"lengths\":[999999999")
    var out = Array(bytes[0..<8])
    let body = Array(json.utf8)
    for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: body.count >> (8 * k))) }
    out += body + bytes[(12 + n)..<(bytes.count - 32)]
    out += SHA256.hash(out)
    #expect {
      _ = try Checkpoint.decode(out, file: "ck")
    } throws: { error in
      (error as? InputError)?.path == "pluginStates[0].lengths[0]"
    }
  }

  /// Between processes each process holds only its own ranks' residuals: `TrainingRun` refuses to
  /// resume, before it loads any data (every process decides alike).
  @Test func gradientDroppingBetweenProcessesIsNotResumed() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gdrop-resume-\(UUID().uuidString)").path
    let split = GradientDropping(communicator: LoopbackCommunicator(hub: LoopbackHub(workers: 2), rank: 1), keep: 0.01)
    #expect {
      _ = try TrainingRun.run(options: TrainingOptions(), dataDirectory: dir, output: dir + "/net.json", resume: true, plugins: [split, ClipParameters()])
    } throws: { error in
      let e = error as? InputError
      return e?.path == "plugins" && e?.file == dir + "/net.json.checkpoint" && e?.description.contains("start a fresh run") == true
    }
    // In one process (all ranks local) the same request gets past that check, to the missing data.
    #expect {
      _ = try TrainingRun.run(
        options: TrainingOptions(), dataDirectory: dir, output: dir + "/net.json", resume: true,
        plugins: [GradientDropping(communicator: InProcessCommunicator(workers: 2), keep: 0.01), ClipParameters()])
    } throws: { error in
      (error as? InputError)?.path != "plugins"
    }
  }
}
