import Foundation
import Testing
@testable import TeaLearning

/// The crash reproducers of issue 15 for checkpoints, which are made here (their SHA-256
/// recomputed after the edit): each once trapped or was accepted with NaN; each is now a clean
/// `InputError` naming the file and the field. The reproducers of topology and network files
/// are files of the corpus, `Tests/Corpus` (run by `Tests/tnsimTests/RobustnessCorpusTests.swift`).
@Suite struct RobustnessRegressionTests {
  static func error(_ body: () throws -> Void) -> InputError? {
    do { try body() } catch let e as InputError { return e } catch { Issue.record("not an InputError: \(error)") }
    return nil
  }

  static func network(input: String = #"{"rows": 2, "columns": 2}"#, layers: String, core: String) -> Data {
    Data(
      #"""
      {"format": "tnsim-tea-network", "version": 1, "name": "n", "input": \#(input), "layers": \#(layers),
       "cores": [\#(core)],
       "readout": {"classes": 2, "rule": "output j votes for class j % classes", "score": "mean", "neuronsPerClass": [1, 1]}}
      """#.utf8)
  }

  static let goodCore = #"{"layer": 0, "index": 0, "inputs": [0, 1], "neurons": 2, "axonTypes": [0, 1], "weights": [[1, -1, 2, -2], [1, -1, 2, -2]], "connections": [0.5, 0.5, 0.5, 0.5], "leaks": [0, 0]}"#

  @Test func theSmallNetworkOfTheseTestsParses() throws {
    let n = try TrainedNetwork.parse(Self.network(layers: "[1]", core: Self.goodCore), file: "n.json")
    #expect(n.network.topology.inputSize == 4 && n.network.cores.count == 1)
  }

  /// A checkpoint of `net`, its header rewritten by `edit` and its digest recomputed.
  static func checkpoint(_ net: ShadowNetwork, edit: (inout ShadowNetwork) -> Void = { _ in }) throws -> [UInt8] {
    var n = net
    edit(&n)
    let c = Checkpoint(options: TrainingOptions(), network: n, optimizer: Optimizer(kind: .adam, momentum: 0.9, network: n), epochsDone: 1,
      history: [], elapsedSeconds: 1)
    return try c.encoded()
  }

  @Test func aCheckpointWhoseTopologyDoesNotReadTheImagesIsRefusedOnResume() throws {
    // The reproducer: inputRows 257 (a valid topology, SHA-256 recomputed); it trapped in
    // Trainer.init's precondition.
    var net = smallNetwork(seed: 91)
    net.topology.inputRows = 257
    let bytes = try Self.checkpoint(net)
    let c = try Checkpoint.decode(bytes, file: "c.checkpoint")
    var o = TrainingOptions()
    o.topology = "small"
    let e = try #require(Self.error {
      _ = try Trainer(resuming: c, options: c.options, train: syntheticSet(count: 8, seed: 1), validation: syntheticSet(count: 0, seed: 2), file: "c.checkpoint")
    })
    #expect(e.file == "c.checkpoint" && e.path == "topology" && e.message.contains("257"), "\(e)")
  }

  @Test func aCheckpointBeyondTheLimitsIsRefusedOnLoad() throws {
    var net = smallNetwork(seed: 92)
    net.topology.inputRows = 1 << 40
    let e = try #require(Self.error { _ = try Checkpoint.decode(try Self.checkpoint(net), file: "c.checkpoint") })
    #expect(e.file == "c.checkpoint" && e.path == "input", "\(e)")
  }

  @Test(arguments: [Float.nan, .infinity, -.infinity, 2])
  func aCheckpointWithNaNOrInfiniteParametersIsRefusedOnLoad(_ bad: Float) throws {
    let bytes = try Self.checkpoint(smallNetwork(seed: 93)) { $0.cores[1].connections[3] = bad }
    let e = try #require(Self.error { _ = try Checkpoint.decode(bytes, file: "c.checkpoint") })
    #expect(e.file == "c.checkpoint" && e.path == "cores[1].connections[3]", "\(e)")
    let leaks = try Self.checkpoint(smallNetwork(seed: 93)) { $0.cores[0].leaks[2] = bad == 2 ? 300 : bad }
    let f = try #require(Self.error { _ = try Checkpoint.decode(leaks, file: "c.checkpoint") })
    #expect(f.path == "cores[0].leaks[2]", "\(f)")
  }
}
