import Foundation
import Testing
@testable import TeaLearning

/// Checks every training option that draws random numbers must pass, on the small synthetic task
/// of `TrainerTests`: `options(threads)` gives the run's options.
enum TrainingOptionChecks {
  /// Two epochs on one thread and on all processors give the same network and losses, and another
  /// network than the same run without the option (`TrainerTests.options`).
  static func sameNetworkOnOneThreadAndAllThreads(_ options: (Int) -> TrainingOptions, option: String) throws {
    let train = syntheticSet(count: 200, seed: 1)
    let none = ImageSet(pixels: [], labels: [], rows: 6, columns: 6)
    let one = Trainer(options: options(1), topology: TrainerTests.topology, train: train, validation: none)
    let all = Trainer(options: options(0), topology: TrainerTests.topology, train: train, validation: none)
    let plain = Trainer(options: TrainerTests.options(threads: 1), topology: TrainerTests.topology, train: train, validation: none)
    for _ in 0..<2 {
      try one.trainEpoch()
      try all.trainEpoch()
      try plain.trainEpoch()
    }
    #expect(one.network == all.network)
    #expect(one.history.map(\.trainLoss) == all.history.map(\.trainLoss))
    #expect(one.network != plain.network, "\(option) changed nothing")
  }

  /// One epoch, its checkpoint written and read back, then two more on all processors give the
  /// network and optimiser of three epochs straight on one thread.
  /// - Returns: the checkpoint read back.
  @discardableResult
  static func resumeEqualsTheUninterruptedRun(_ options: (Int) -> TrainingOptions) throws -> Checkpoint {
    let train = syntheticSet(count: 200, seed: 1)
    let validation = syntheticSet(count: 40, seed: 2)
    let straight = Trainer(options: options(1), topology: TrainerTests.topology, train: train, validation: validation)
    for _ in 0..<3 { try straight.trainEpoch() }
    let first = Trainer(options: options(1), topology: TrainerTests.topology, train: train, validation: validation)
    try first.trainEpoch()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tea-option-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).checkpoint").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try first.checkpoint.write(to: path)
    let loaded = try Checkpoint.read(from: path)
    let resumed = try Trainer(resuming: loaded, options: options(0), train: train, validation: validation)
    while resumed.epochsDone < 3 { try resumed.trainEpoch() }
    #expect(resumed.network == straight.network)
    #expect(resumed.optimizer == straight.optimizer)
    return loaded
  }
}
