import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The streaming reader of IBM model.json (`IBMModel+Stream.swift`) against the slow, obvious one
/// (`IBMModelFile.parseTree`: the whole file as a JSON tree, then the model): on the files tnsim
/// and pytruenorth write, on other shapes, and on seeded mutations of them, the two accept with
/// equal models and output buses, or the streaming reader declines (and `parseKeepingOutputBus`
/// gives the tree's error).
@Suite struct IBMModelStreamTests {
  typealias Read = (model: Model, outputBus: IBMOutputBus)

  /// A model.json as tnsim writes it: stochastic modes, per-core seeds, axon destinations with
  /// delays, pins on two output-bus cores, neurons without a destination.
  static let written: [UInt8] = {
    guard let model = try? InteropRoundTripTests.ibmExpressible(seed: 4, stochastic: true) else { return [] }
    var bus = IBMOutputBus()
    bus[core: model.chip.coreID(x: model.cores[1].x, y: model.cores[1].y), neuron: 37] = -5
    return (try? IBMModelFile.fileBytes(model, outputBus: bus)) ?? []
  }()

  /// Both readers on `bytes`: the streaming one's result (nil when it declines) and the tree's
  /// result or error.
  static func both(_ bytes: [UInt8], chip: ChipDefinition) -> (stream: Read?, tree: Result<Read, InputError>) {
    let stream = bytes.withUnsafeBufferPointer { IBMModelFile.parseStreaming($0, file: "model.json", chip: chip, chipReference: nil) }
    let tree = Result { () throws(InputError) in try IBMModelFile.parseTree(bytes, file: "model.json", chip: chip) }
    return (stream, tree)
  }

  static func expectSame(_ bytes: [UInt8], chip: ChipDefinition) throws -> Read {
    let (stream, tree) = Self.both(bytes, chip: chip)
    let s = try #require(stream, "the streaming reader declined")
    let t = try tree.get()
    #expect(s.model == t.model)
    #expect(s.outputBus == t.outputBus)
    return s
  }

  @Test func readsTheFilesTnsimWritesWithoutTheTree() throws {
    let model = try InteropRoundTripTests.ibmExpressible(seed: 4, stochastic: true)
    let s = try Self.expectSame(Self.written, chip: model.chip)
    #expect(s.model == model)
    #expect(s.outputBus[core: model.chip.coreID(x: model.cores[1].x, y: model.cores[1].y), neuron: 37] == -5)
    #expect(s.outputBus.cores.count == 1)
    #expect(try IBMModelFile.fileBytes(s.model, outputBus: s.outputBus) == Self.written)
  }

  @Test func readsTheHandWrittenFixture() throws {
    let chip = try InteropFixtures.tiny()
    let s = try Self.expectSame(try readFile(InteropFixtures.path("ibm/model.json")), chip: chip)
    #expect(s.model.cores.count == 3)
  }

  @Test(.enabled(if: PeerFixtures.shared != nil, "\(PeerFixtures.absent)"))
  func readsPytruenorthsFileAsTheTreeDoes() throws {
    let bytes = try readFile(PeerFixtures.path("ibm/tonic/model.json"))
    let s = try Self.expectSame(bytes, chip: try PeerFixtures.truenorth())
    #expect(s.model.cores.count == 2)
    #expect(!s.outputBus.isDefault || s.model.cores.flatMap(\.neurons).contains { $0.destination == .pin(0) })
  }

  /// Shapes the fast path leaves to the tree of one core (keys in another order, `1.0`, escapes,
  /// other spacing of the synapses), and sections in another order: read as the tree reads them.
  @Test func otherShapesAsTheTreeReadsThem() throws {
    let chip = try InteropFixtures.tiny()
    let text = String(decoding: try readFile(InteropFixtures.path("ibm/model.json")), as: UTF8.self)
    var edits: [(String, String)] = [
      ("\"id\": 0, \"rngSeed\": 7,", "\"rngSeed\": 7.0, \"id\": 0,"),
      ("\"type\": \"relay\", \"dendrite\": 0, \"destCore\": 1,", "\"destCore\": 1, \"type\": \"rel\\u0061y\", \"dendrite\": 0,"),
      ("\"synapses\": \"C0 00", "\"synapses\": \" c0  00"),
      ("\"type\": \"S0\"", "\"type\": \"S\\u0030\""),
    ]
    // The model section last.
    let model = "\"model\": {\"coreCount\": 3, \"neuronClass\": \"NeuronGeneral\", \"crossbarSize\": 256, \"crossbarclass\": \"CrossbarBinary\", \"networking\": \"INTRA\"},\n"
    #expect(text.contains(model))
    edits.append((model, ""))
    for (old, new) in edits {
      #expect(text.contains(old), "\(old)")
      var edited = text.replacingOccurrences(of: old, with: new)
      if new.isEmpty, let close = edited.lastIndex(of: "}") {
        edited.replaceSubrange(close...close, with: ",\n" + model.dropLast(2) + "}")
      }
      let s = try Self.expectSame(Array(edited.utf8), chip: chip)
      #expect(s.model == (try IBMModelFile.parseTree(Array(text.utf8), file: "model.json", chip: chip).model))
    }
  }

  /// The row decoder against the tree's (`parseSynapses`) on random rows in both cases of hex digits.
  @Test func hexRowsAsTheTreeReadsThem() throws {
    var rng = SplitMix64(seed: 16)
    for k in 0..<200 {
      let bytes = (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next(below: 256)) }
      var text = bytes.map { String($0, radix: 16, uppercase: k % 2 == 0).leftPadded(2) }.joined(separator: " ")
      let tree = try IBMModelFile.parseSynapses(JSONCursor(JSONNode(.string(text)), file: "m.json"), neurons: 256)
      let fast = text.withUTF8 { IBMModelFile.hexByteRow($0) }
      #expect(fast == tree)
    }
    var bad = Array(repeating: "00", count: 32).joined(separator: " ")
    bad.replaceSubrange(bad.index(bad.startIndex, offsetBy: 5)...bad.index(bad.startIndex, offsetBy: 5), with: "g")
    #expect(bad.withUTF8 { IBMModelFile.hexByteRow($0) } == nil)
  }

  @Test(arguments: [("written", 1, 1200), ("fixture", 2, 1200), ("tonic", 3, 300)])
  func mutatedFilesAreReadAsTheTreeReadsThem(base: String, seed: UInt64, count: Int) throws {
    let chip = try base == "tonic" ? PeerFixtures.truenorth() : InteropFixtures.tiny()
    let original: [UInt8]
    switch base {
    case "written": original = Self.written
    case "fixture": original = try readFile(InteropFixtures.path("ibm/model.json"))
    default:
      guard PeerFixtures.shared != nil else { return }
      original = try readFile(PeerFixtures.path("ibm/tonic/model.json"))
    }
    var rng = SplitMix64(seed: seed)
    var accepted = 0, refused = 0, declined = 0
    for _ in 0..<count {
      let bytes = ModelFileStreamTests.mutate(original, &rng)
      let (stream, tree) = Self.both(bytes, chip: chip)
      switch (stream, tree) {
      case (let s?, .success(let t)):
        #expect(s.model == t.model && s.outputBus == t.outputBus,
          "the two readers built different models from \(String(decoding: bytes, as: UTF8.self).prefix(2000))")
        accepted += 1
      case (let s?, .failure(let e)):
        Issue.record("the streaming reader accepted a file the tree refuses (\(e)): \(s.model.cores.count) cores")
      case (nil, .failure(let e)):
        #expect(throws: e) { try IBMModelFile.parseKeepingOutputBus(bytes, file: "model.json", chip: chip) }
        #expect(e.file == "model.json" && e.line != nil)
        refused += 1
      case (nil, .success(let t)):
        let read = try IBMModelFile.parseKeepingOutputBus(bytes, file: "model.json", chip: chip)
        #expect(read.model == t.model && read.outputBus == t.outputBus)
        declined += 1
      }
    }
    // The mutations must exercise both outcomes, or the comparison shows nothing.
    #expect(accepted > count / 30 && refused > count / 15, "accepted \(accepted), refused \(refused), declined \(declined)")
  }

  /// `JSONPullReader.key(in:)`, which both streaming readers use for every key: the index of a
  /// key in the list (long keys with a common prefix told apart), nil with nothing consumed but
  /// whitespace for any other key, an escaped one or one without its colon.
  @Test func keysAreMatchedAsBytes() {
    let keys = JSONPullReader.Keys(["destination_axon", "destination_tick", "delay", "d", "destCore", "destAxon"])
    func read(_ text: String) -> (Int?, position: Int, line: Int) {
      Array(text.utf8).withUnsafeBufferPointer { bytes in
        JSONPullReader.read(bytes) { r in
          let k = r.key(in: keys)
          return (k, r.position, r.line)
        }
      }
    }
    #expect(read(" \"destination_tick\" : 1") == (1, 21, 1))
    #expect(read("\"destination_axon\":1") == (0, 19, 1))
    #expect(read("\"destAxon\"\n\n:1") == (5, 13, 3))
    #expect(read("\"d\":1") == (3, 4, 1))
    #expect(read("\"delay\":1").0 == 2)
    #expect(read("\"destCore\":1").0 == 4)
    for other in ["\"destination_tic\":1", "\"destination_ticks\":1", "\"destination_tock\":1", "\"dela\\u0079\":1",
      "\"delay\" 1", "\"delay\"", "\"delay", "delay:", "\n \"\":1"]
    {
      let (k, position, _) = read(other)
      #expect(k == nil, "\(other)")
      #expect(position <= other.utf8.prefix { $0 == 0x20 || $0 == 0x0A }.count, "\(other)")
    }
  }

  @Test func loadReadsTheFileMapped() throws {
    let path = InteropFixtures.temporary("model.json")
    try Data(Self.written).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let chip = try InteropFixtures.tiny()
    let loaded = try IBMModelFile.loadKeepingOutputBus(path: path, chip: chip)
    let tree = try IBMModelFile.parseTree(Self.written, file: path, chip: chip)
    #expect(loaded.model == tree.model && loaded.outputBus == tree.outputBus)
    #expect(try IBMModelFile.load(path: path, chip: chip) == tree.model)
    // A file the streaming reader declines keeps the tree's error, naming the mapped file.
    var broken = Self.written
    broken.removeLast(3)
    try Data(broken).write(to: URL(fileURLWithPath: path))
    let error = try #require(throws: InputError.self) { try IBMModelFile.load(path: path, chip: chip) }
    #expect(error.file == path && error.line != nil && error.message.hasPrefix("invalid JSON"))
    #expect(throws: InputError(file: path + ".none", message: "no such file")) {
      try IBMModelFile.load(path: path + ".none", chip: chip)
    }
  }
}

extension String {
  /// The string with leading zeros up to `width` characters.
  fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
