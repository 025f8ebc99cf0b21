import Foundation
import Testing
@testable import TeaLearning

/// A run resumed from its checkpoint file (written and read back, as after a kill) writes the
/// same network file byte for byte as the straight run, once the wall-clock fields are set
/// aside: `training.trainingSeconds` and each `training.history[].seconds`. Nothing else in the
/// file depends on time.
@Suite struct ResumeBytesTests {
  static func file(_ t: Trainer) throws -> [UInt8] {
    // The two timing fields are zeroed: they measure the machine, not the run.
    let history = t.history.map { r -> EpochRecord in
      var r = r
      r.seconds = 0
      return r
    }
    let metadata = TrainingMetadata(
      options: t.options, epochs: t.epochsDone, trainImages: t.train.count, validationImages: t.validation.count,
      validationAccuracy: history.last?.validationAccuracy, testAccuracy: nil, testImages: 0, trainingSeconds: 0, history: history)
    return try TrainedNetwork(network: t.network, score: t.options.score, training: metadata).encoded()
  }

  @Test func aResumedRunWritesTheSameNetworkFile() throws {
    let train = syntheticSet(count: 96, seed: 11)
    let validation = syntheticSet(count: 32, seed: 12)
    var o = TrainerTests.options()
    o.epochs = 2
    let straight = Trainer(options: o, topology: TrainerTests.topology, train: train, validation: validation)
    for _ in 0..<2 { try straight.trainEpoch() }
    let first = Trainer(options: o, topology: TrainerTests.topology, train: train, validation: validation)
    try first.trainEpoch()
    let bytes = try first.checkpoint.encoded()
    let resumed = try Trainer(resuming: try Checkpoint.decode(bytes, file: "c"), options: o, train: train, validation: validation)
    try resumed.trainEpoch()
    #expect(try Self.file(resumed) == Self.file(straight))
    #expect(resumed.history.count == 2 && resumed.history.map(\.trainLoss) == straight.history.map(\.trainLoss))
  }
}
