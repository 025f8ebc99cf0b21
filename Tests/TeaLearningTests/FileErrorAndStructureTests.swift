import Foundation
import Testing
@testable import TeaLearning

/// The network file's numbers read back exactly, and every file error says where.
@Suite struct JSONRoundTripTests {
  /// Floats that are hard to print: the extremes, subnormals, neighbours of round numbers,
  /// thirds, and negative zero.
  static let hardFloats: [Float] = [
    0, -0.0, 1, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, Float(0.5).nextUp, Float(0.5).nextDown, Float(1).nextDown, Float.leastNonzeroMagnitude,
    Float.leastNormalMagnitude, Float.leastNormalMagnitude.nextDown, 1e-30, 3.4e-38, Float(bitPattern: 5), 1e-5, 123.456, 255, -255, -254.99998,
    16_777_216, Float(16_777_216).nextUp, Float.greatestFiniteMagnitude, -Float.greatestFiniteMagnitude,
  ]

  @Test func everyFloatOfALargeSampleReadsBackExactly() {
    var g = TeaRandom(seed: 2026)
    var checked = 0
    for i in 0..<400_000 {
      let v = i < Self.hardFloats.count ? Self.hardFloats[i] : Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
      guard v.isFinite else { continue }
      let text = _jsonNumber(v)!
      let back = Float(Double(text)!)
      #expect(back.bitPattern == v.bitPattern || (v == 0 && back == 0), "\(v) written as \(text) reads back as \(back)")
      checked += 1
    }
    #expect(checked > 390_000)
    #expect(_jsonNumber(Float.nan) == nil && _jsonNumber(Double.infinity) == nil)
    #expect(_jsonNumber(Float(1)) == "1" && _jsonNumber(0.25) == "0.25", "whole numbers without .0, as JSONEncoder writes them")
  }

  @Test func networkFileRoundTripsHardValuesBitForBit() throws {
    var net = smallNetwork(seed: 71)
    var g = TeaRandom(seed: 72)
    for k in net.cores.indices {
      for i in net.cores[k].connections.indices {
        let hard = Self.hardFloats.filter { $0 >= 0 && $0 <= 1 }
        net.cores[k].connections[i] = i < hard.count ? hard[i] : g.unitFloat()
      }
      for i in net.cores[k].leaks.indices {
        let hard = Self.hardFloats.filter { abs($0) <= 255 }
        net.cores[k].leaks[i] = i < hard.count ? hard[i] : 510 * g.unitFloat() - 255
      }
    }
    var o = TrainingOptions()
    o.learningRate = 0.1 + 0.2  // 0.30000000000000004
    o.plugins = [#"ssl:structure=out/a "b".json"#]
    let record = EpochRecord(epoch: 1, trainLoss: 1.0 / 3, trainAccuracy: 0.9, validationAccuracy: nil, seconds: 1e-7)
    let meta = TrainingMetadata(options: o, epochs: 1, trainImages: 10, validationImages: 0, validationAccuracy: nil, testAccuracy: 0.123456789,
      testImages: 4, trainingSeconds: 2.5e10, history: [record])
    let trained = TrainedNetwork(network: net, score: .mean, training: meta)
    let bytes = try trained.encoded()
    let back = try TrainedNetwork.parse(Data(bytes), file: "n.json")
    #expect(back == trained)
    // Bit for bit, except that a zero may lose its sign (as with Foundation's JSONEncoder).
    func same(_ a: [Float], _ b: [Float]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern || ($0 == 0 && $1 == 0) } }
    for (a, b) in zip(back.network.cores, trained.network.cores) {
      #expect(same(a.connections, b.connections) && same(a.leaks, b.leaks))
    }
    #expect(try trained.encoded() == bytes, "the same network gives the same bytes")
    let text = String(decoding: bytes, as: UTF8.self)
    #expect(!text.contains("validationAccuracy"), "nil optionals are left out")
    #expect(text.hasPrefix(#"{"cores":[{"axonTypes":["#), "keys sorted, compact")
  }

  @Test func aNaNParameterIsRefusedNamingIt() {
    var net = smallNetwork(seed: 73)
    net.cores[1].leaks[2] = .nan
    #expect(throws: InputError(file: "network", path: "cores[1].leaks[2]", message: "nan cannot be written in JSON")) {
      _ = try TrainedNetwork(network: net, score: .sum, training: nil).encoded()
    }
  }
}

@Suite struct FileErrorTests {
  static func error(_ body: () throws -> Void) -> InputError? {
    do {
      try body()
      return nil
    } catch let e as InputError {
      return e
    } catch {
      Issue.record("not an InputError: \(error)")
      return nil
    }
  }

  @Test func networkSyntaxErrorsSayLineAndColumn() throws {
    let good = String(decoding: try TrainedNetwork(network: smallNetwork(seed: 74), score: .sum, training: nil).encoded(), as: UTF8.self)
    let bad = "{\n  \"format\": \"tnsim-tea-network\",\n  \"version\": 1,,\n" + good.dropFirst()
    let e = try #require(Self.error { _ = try TrainedNetwork.parse(Data(bad.utf8), file: "bad.json") })
    #expect(e.file == "bad.json" && e.line == 3, "\(e)")
    #expect(e.message.contains("column 16"), "\(e)")
  }

  @Test func topologySyntaxErrorsSayLineAndColumn() throws {
    let text = Topology.builtinFiles[0].json.replacingOccurrences(of: #""classes": 10,"#, with: #""classes": 10"#)
    let e = try #require(Self.error { _ = try Topology.parse(Data(text.utf8), file: "t.json") })
    #expect(e.file == "t.json" && e.line == 4 && e.message.contains("column"), "\(e)")
    #expect(!e.message.contains("The given data was not valid JSON"))
  }

  @Test func missingFieldsNameTheirPathAndLine() throws {
    let text = """
      {"format": "tnsim-topology", "version": 1, "name": "x",
       "input": {"rows": 2, "columns": 2}, "classes": 2,
       "layers": [
         {"cores": [
           {"inputs": [0, 1]}
         ]}
       ]}
      """
    let e = try #require(Self.error { _ = try Topology.parse(Data(text.utf8), file: "t.json") })
    #expect(e.path == "layers[0].cores[0]" && e.line == 5, "\(e)")
    #expect(e.message == "missing the required field \"neurons\"", "\(e)")
  }

  @Test func checkpointHeaderSyntaxErrorsSayLineAndColumn() throws {
    let net = smallNetwork(seed: 75)
    let c = Checkpoint(options: TrainingOptions(), network: net, optimizer: Optimizer(kind: .adam, momentum: 0.9, network: net), epochsDone: 1,
      history: [], elapsedSeconds: 1)
    var bytes = try c.encoded()
    #expect(try Checkpoint.decode(bytes, file: "c") == c)
    // Break the header's JSON (a ':' becomes ';') and fix the digest, so only the syntax is wrong.
    bytes.removeLast(32)
    let colon = try #require(bytes[12...].firstIndex(of: UInt8(ascii: ":")))
    bytes[colon] = UInt8(ascii: ";")
    bytes += SHA256.hash(bytes)
    let e = try #require(Self.error { _ = try Checkpoint.decode(bytes, file: "c.checkpoint") })
    #expect(e.file == "c.checkpoint" && e.line == 1 && e.message.contains("column \(colon - 12 + 1)"), "\(e)")
  }
}

/// A communicator whose peers are gone.
final class LostPeerCommunicator: GradientCommunicator {
  let workers = 2
  let localRanks = [0]
  var statistics: CommunicationStatistics { CommunicationStatistics(workers: 1) }
  func allReduceMax(_ local: [[Float]]) throws(CommunicationError) -> [Float] { throw CommunicationError(operation: "allReduceMax", message: "peer 1 is gone") }
  func allReduceSum(_ local: [[Double]]) throws(CommunicationError) -> [Double] { throw CommunicationError(operation: "allReduceSum", message: "peer 1 is gone") }
  func allGather(_ local: [TernaryMessage]) throws(CommunicationError) -> [TernaryMessage] { throw CommunicationError(operation: "allGather", message: "peer 1 is gone") }
}

@Suite struct StructureTests {
  @Test func aLostPeerEndsTheEpochWithAnError() throws {
    let t = PluginTests.trainer([TernGrad(communicator: LostPeerCommunicator()), ClipParameters()])
    let before = t.network
    #expect(throws: CommunicationError(operation: "allReduceMax", message: "peer 1 is gone")) { try t.trainEpoch() }
    #expect(t.network == before && t.epochsDone == 0)
  }

  @Test(arguments: [0, 1, 2, 7, 100])
  func parallelMapIsTheSerialMapOnAnyThreadCount(n: Int) {
    let serial = (0..<n).map { $0 * $0 + 1 }
    #expect(_Parallel.map(n, threads: 1) { $0 * $0 + 1 } == serial)
    #expect(_Parallel.map(n, threads: 0) { $0 * $0 + 1 } == serial)
  }

  static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources/TeaLearning")

  static func sourceFiles() throws -> [(name: String, text: String)] {
    let names = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }.sorted()
    return try names.map { ($0, try String(contentsOf: sources.appendingPathComponent($0), encoding: .utf8)) }
  }

  @Test func unsafeCodeStaysInTheBatchEngineAndTheParallelFor() throws {
    let files = try Self.sourceFiles()
    #expect(files.count > 20)
    for (name, text) in files where !name.hasPrefix("BatchEngine") {
      let code = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
      #expect(!code.contains("Unsafe"), "\(name) uses an unsafe pointer")
      if name != "Parallel.swift" { #expect(!code.contains("nonisolated(unsafe)"), "\(name) shares state unchecked") }
    }
  }

  @Test func noLibraryStringNamesACommandLineFlag() throws {
    for (name, text) in try Self.sourceFiles() {
      let code = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
      for line in code where line.contains("\"--") || line.range(of: #""[^"]*--[a-z]"#, options: .regularExpression) != nil {
        Issue.record("\(name): \(line)")
      }
    }
  }
}
