import Foundation
import Testing
@testable import TeaLearning

/// The crash reproducers of issue 15 for topology, network and checkpoint files: each once
/// trapped, aborted on allocation or took tens of seconds; each is now a clean `InputError`
/// naming the file and the field.
@Suite struct RobustnessRegressionTests {
  static func error(_ body: () throws -> Void) -> InputError? {
    do { try body() } catch let e as InputError { return e } catch { Issue.record("not an InputError: \(error)") }
    return nil
  }

  static func topology(input: String = #"{"rows": 28, "columns": 28}"#, layers: String) -> Data {
    Data(#"{"format": "tnsim-topology", "version": 1, "name": "t", "input": \#(input), "classes": 2, "layers": \#(layers)}"#.utf8)
  }

  /// Each reproducer with the JSON path its error must name.
  static let topologyCases: [(name: String, input: String, layers: String, path: String)] = [
    ("rows and columns 2^32 (overflow)", #"{"rows": 4294967296, "columns": 4294967296}"#, #"[{"cores": [{"range": {"start": 0, "count": 2}, "neurons": 2}]}]"#, "input"),
    ("patch at row Int.max", #"{"rows": 28, "columns": 28}"#, #"[{"cores": [{"patch": {"row": 9223372036854775807, "column": 0, "height": 2, "width": 2}, "neurons": 2}]}]"#, "layers[0].cores[0].patch"),
    ("patch of height Int.max", #"{"rows": 28, "columns": 28}"#, #"[{"cores": [{"patch": {"row": 1, "column": 0, "height": 9223372036854775807, "width": 2}, "neurons": 2}]}]"#, "layers[0].cores[0].patch"),
    ("range at start Int.max", #"{"rows": 28, "columns": 28}"#, #"[{"cores": [{"range": {"start": 0, "count": 4}, "neurons": 4}]}, {"cores": [{"range": {"start": 9223372036854775807, "count": 2}, "neurons": 2}]}]"#, "layers[1].cores[0].range.start"),
    ("range of count 1e9", #"{"rows": 28, "columns": 28}"#, #"[{"cores": [{"range": {"start": 0, "count": 1000000000}, "neurons": 2}]}]"#, "layers[0].cores[0].range.count"),
    ("2147483676 columns (481 GB in eval)", #"{"rows": 1, "columns": 2147483676}"#, #"[{"cores": [{"range": {"start": 0, "count": 2}, "neurons": 2}]}]"#, "input"),
    ("100000 x 100000 patch", #"{"rows": 100000, "columns": 100000}"#, #"[{"cores": [{"patch": {"row": 0, "column": 0, "height": 100000, "width": 100000}, "neurons": 2}]}]"#, "input"),
    ("100000 x 100000 patch in a 1000 x 1000 input", #"{"rows": 1000, "columns": 1000}"#, #"[{"cores": [{"patch": {"row": 0, "column": 0, "height": 1000, "width": 1000}, "neurons": 2}]}]"#, "layers[0].cores[0].patch"),
    ("2147483676 rows with a patchGrid", #"{"rows": 2147483676, "columns": 28}"#, #"[{"patchGrid": {"size": 2, "stride": 1, "neurons": 2}}]"#, "input"),
    ("a patchGrid of a million cores", #"{"rows": 1024, "columns": 1024}"#, #"[{"patchGrid": {"size": 1, "stride": 1, "neurons": 2}}]"#, "layers[0].patchGrid"),
    ("a patchGrid patch of 17 x 17 pixels", #"{"rows": 28, "columns": 28}"#, #"[{"patchGrid": {"size": 17, "stride": 4, "neurons": 2}}]"#, "layers[0].patchGrid.size"),
  ]

  @Test(arguments: topologyCases.indices)
  func topologySizesAreCheckedBeforeUse(_ i: Int) throws {
    let c = Self.topologyCases[i]
    let clock = ContinuousClock()
    let start = clock.now
    let e = try #require(Self.error { _ = try Topology.parse(Self.topology(input: c.input, layers: c.layers), file: "t.json") }, "\(c.name)")
    #expect(e.file == "t.json" && e.path == c.path, "\(c.name): \(e)")
    #expect(clock.now - start < .seconds(5), "\(c.name) took \(clock.now - start)")
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

  @Test func networkLayerCountsThatOverflowAreRefused() throws {
    let e = try #require(Self.error { _ = try TrainedNetwork.parse(Self.network(layers: "[9223372036854775807, 1]", core: Self.goodCore), file: "n.json") })
    #expect(e.file == "n.json" && e.path == "layers", "\(e)")
  }

  @Test func networkInputSizesThatOverflowAreRefused() throws {
    let e = try #require(
      Self.error { _ = try TrainedNetwork.parse(Self.network(input: #"{"rows": 4294967296, "columns": 4294967296}"#, layers: "[1]", core: Self.goodCore), file: "n.json") })
    #expect(e.file == "n.json" && e.path == "input", "\(e)")
  }

  @Test func networkNeuronCountsAreCheckedBeforeTheirProduct() throws {
    let core = Self.goodCore.replacingOccurrences(of: #""neurons": 2"#, with: #""neurons": 9223372036854775807"#)
    let e = try #require(Self.error { _ = try TrainedNetwork.parse(Self.network(layers: "[1]", core: core), file: "n.json") })
    #expect(e.file == "n.json" && e.path == "cores[0].neurons", "\(e)")
  }

  @Test func networkNaNAndInfiniteParametersAreRefused() throws {
    // JSON has no NaN; the largest finite value beyond Float overflows to infinity when read.
    let core = Self.goodCore.replacingOccurrences(of: #""leaks": [0, 0]"#, with: #""leaks": [0, 1e300]"#)
    let e = try #require(Self.error { _ = try TrainedNetwork.parse(Self.network(layers: "[1]", core: core), file: "n.json") })
    #expect(e.file == "n.json" && e.path == "cores[0].leaks[1]", "\(e)")
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
