import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The streaming reader of RANC's input.json (`RANCModel+Stream.swift`) against the slow, obvious
/// one (`RANCModelFiles.parseTree` and `readPacketsTree`: the whole file as a JSON tree): on the
/// files tnsim and RANC's tools write, on other shapes, and on seeded mutations of them, the two
/// accept with equal models, packets and packet places, or the streaming reader declines (and
/// `parse(input:...)` gives the tree's error).
@Suite struct RANCModelStreamTests {
  typealias Read = (model: Model, spikes: SpikeList<InputSpike>)

  /// An input.json and config.json as tnsim writes them: every reset form RANC has, pins, neurons
  /// without a destination, delays, and packets.
  static let exported: (input: [UInt8], config: [UInt8]) = {
    guard let model = try? InteropRoundTripTests.rancExpressible(seed: 4) else { return ([], []) }
    let inputs = InteropRoundTripTests.inputs(model, ticks: 12, seed: 4)
    return (try? RANCModelFiles.export(model, inputs: inputs)) ?? ([], [])
  }()

  static func config(_ bytes: [UInt8], chip: ChipDefinition) throws -> RANCModelFiles.Config {
    try RANCModelFiles.parseConfig(bytes, file: "config.json", chip: chip)
  }

  /// Both readers on `bytes`: the streaming one's result (nil when it declines) and the tree's
  /// result or error.
  static func both(_ bytes: [UInt8], config: RANCModelFiles.Config, chip: ChipDefinition)
    -> (stream: Read?, tree: Result<Read, InputError>)
  {
    let stream = bytes.withUnsafeBufferPointer {
      RANCModelFiles.parseStreaming($0, file: "input.json", config: config, chip: chip, chipReference: nil)
    }
    let tree = Result { () throws(InputError) in try RANCModelFiles.parseTree(input: bytes, file: "input.json", config: config, chip: chip) }
    return (stream.map { ($0.0, $0.1) }, tree.map { ($0.0, $0.1) })
  }

  /// The same spikes from the same places in the file.
  static func same(_ a: SpikeList<InputSpike>, _ b: SpikeList<InputSpike>) -> Bool {
    a.path == b.path && a.records == b.records && a.locations.map(\.line) == b.locations.map(\.line)
      && a.locations.map(\.path) == b.locations.map(\.path)
  }

  @discardableResult
  static func expectSame(_ bytes: [UInt8], config: RANCModelFiles.Config, chip: ChipDefinition) throws -> Read {
    let (stream, tree) = Self.both(bytes, config: config, chip: chip)
    let s = try #require(stream, "the streaming reader declined")
    let t = try tree.get()
    #expect(s.model == t.model)
    #expect(Self.same(s.spikes, t.spikes))
    // Without the config (`tnsim run --input input.json`): the same packets.
    let packets = bytes.withUnsafeBufferPointer { RANCModelFiles.readPacketsStreaming($0, file: "input.json", chip: chip) }
    let treePackets = try RANCModelFiles.readPacketsTree(bytes, file: "input.json", chip: chip)
    #expect(Self.same(try #require(packets, "the streaming packet reader declined"), treePackets))
    return s
  }

  @Test func readsTheFilesTnsimWritesWithoutTheTree() throws {
    let model = try InteropRoundTripTests.rancExpressible(seed: 4)
    let s = try Self.expectSame(Self.exported.input, config: try Self.config(Self.exported.config, chip: model.chip), chip: model.chip)
    #expect(s.model == model)
    #expect(s.spikes.records == InteropRoundTripTests.inputs(model, ticks: 12, seed: 4))
    #expect(s.spikes.locations.first?.path == "packets[1][0]")
  }

  @Test func readsTheHandWrittenFixture() throws {
    let chip = try InteropFixtures.tiny()
    let config = try Self.config(try readFile(InteropFixtures.path("ranc/config.json")), chip: chip)
    let s = try Self.expectSame(try readFile(InteropFixtures.path("ranc/input.json")), config: config, chip: chip)
    #expect(s.spikes.records.count == 2)
  }

  @Test(.enabled(if: PeerFixtures.shared != nil, "\(PeerFixtures.absent)"), arguments: ["converter", "example", "random5", "vmm"])
  func readsRANCsFilesAsTheTreeDoes(name: String) throws {
    let chip = try PeerFixtures.truenorth()
    let folder = PeerFixtures.path("ranc/" + name)
    let config = try Self.config(try readFile(folder + "/config.json"), chip: chip)
    let s = try Self.expectSame(try readFile(folder + "/input.json"), config: config, chip: chip)
    #expect(!s.spikes.records.isEmpty)
  }

  /// Sections in another order, values the fast path leaves to the tree (`1.0`, escapes).
  @Test func otherShapesAsTheTreeReadsThem() throws {
    let chip = try InteropFixtures.tiny()
    let config = try Self.config(try readFile(InteropFixtures.path("ranc/config.json")), chip: chip)
    let text = String(decoding: try readFile(InteropFixtures.path("ranc/input.json")), as: UTF8.self)
    // The cores before the packets and the bus: the stream still reads it.
    let start = try #require(text.range(of: "\"packets\""))
    let cores = try #require(text.range(of: "\"cores\""))
    let end = try #require(text.lastIndex(of: "}"))
    let reordered = "{" + text[cores.lowerBound..<end] + ",\n" + text[start.lowerBound..<cores.lowerBound].dropLast(3) + "}"
    try Self.expectSame(Array(reordered.utf8), config: config, chip: chip)
    for (old, new) in [("\"destination_axon\": 0, \"destination_tick\": 0}", "\"destination_axon\": 0.0, \"destination_tick\": 0}"),
      ("\"leak\": 0,", "\"le\\u0061k\": 0,")]
    {
      #expect(text.contains(old))
      let bytes = Array(text.replacingOccurrences(of: old, with: new).utf8)
      let (stream, tree) = Self.both(bytes, config: config, chip: chip)
      #expect(stream == nil)
      let read = try RANCModelFiles.parse(input: bytes, file: "input.json", config: config, chip: chip)
      let t = try tree.get()
      #expect(read.0 == t.model && Self.same(read.1, t.spikes))
    }
  }

  @Test(arguments: [("exported", 1, 1000), ("fixture", 2, 1500), ("converter", 3, 400)])
  func mutatedFilesAreReadAsTheTreeReadsThem(base: String, seed: UInt64, count: Int) throws {
    let original: [UInt8], configBytes: [UInt8], chip: ChipDefinition
    switch base {
    case "exported":
      (original, configBytes, chip) = (Self.exported.input, Self.exported.config, try InteropFixtures.tiny())
    case "fixture":
      original = try readFile(InteropFixtures.path("ranc/input.json"))
      configBytes = try readFile(InteropFixtures.path("ranc/config.json"))
      chip = try InteropFixtures.tiny()
    default:
      guard PeerFixtures.shared != nil else { return }
      original = try readFile(PeerFixtures.path("ranc/converter/input.json"))
      configBytes = try readFile(PeerFixtures.path("ranc/converter/config.json"))
      chip = try PeerFixtures.truenorth()
    }
    let config = try Self.config(configBytes, chip: chip)
    var rng = SplitMix64(seed: seed)
    var accepted = 0, refused = 0, declined = 0, packetsRead = 0
    for _ in 0..<count {
      let bytes = ModelFileStreamTests.mutate(original, &rng)
      let (stream, tree) = Self.both(bytes, config: config, chip: chip)
      switch (stream, tree) {
      case (let s?, .success(let t)):
        #expect(s.model == t.model && Self.same(s.spikes, t.spikes),
          "the two readers read differently \(String(decoding: bytes, as: UTF8.self).prefix(2000))")
        accepted += 1
      case (let s?, .failure(let e)):
        Issue.record("the streaming reader accepted a file the tree refuses (\(e)): \(s.model.cores.count) cores")
      case (nil, .failure(let e)):
        #expect(throws: e) { try RANCModelFiles.parse(input: bytes, file: "input.json", config: config, chip: chip) }
        #expect(e.file == "input.json" && e.line != nil)
        refused += 1
      case (nil, .success(let t)):
        let read = try RANCModelFiles.parse(input: bytes, file: "input.json", config: config, chip: chip)
        #expect(read.0 == t.model && Self.same(read.1, t.spikes))
        declined += 1
      }
      // The packets alone, as `readPackets` reads them.
      let packets = bytes.withUnsafeBufferPointer { RANCModelFiles.readPacketsStreaming($0, file: "input.json", chip: chip) }
      let treePackets = Result { () throws(InputError) in try RANCModelFiles.readPacketsTree(bytes, file: "input.json", chip: chip) }
      switch (packets, treePackets) {
      case (let p?, .success(let t)):
        #expect(Self.same(p, t))
        packetsRead += 1
      case (_?, .failure(let e)):
        Issue.record("the streaming packet reader accepted a file the tree refuses (\(e))")
      default:
        break
      }
    }
    #expect(accepted > count / 30 && refused > count / 15 && packetsRead > count / 30,
      "accepted \(accepted), refused \(refused), declined \(declined), packets read \(packetsRead)")
  }

  @Test func loadReadsTheFileMapped() throws {
    let dir = InteropFixtures.temporary("ranc")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let chip = try InteropFixtures.tiny()
    try Data(Self.exported.input).write(to: URL(fileURLWithPath: dir + "/input.json"))
    try Data(Self.exported.config).write(to: URL(fileURLWithPath: dir + "/config.json"))
    let (model, spikes) = try RANCModelFiles.load(input: dir + "/input.json", chip: chip)
    let tree = try RANCModelFiles.parseTree(input: Self.exported.input, file: dir + "/input.json",
      config: try Self.config(Self.exported.config, chip: chip), chip: chip)
    #expect(model == tree.0 && Self.same(spikes, tree.1))
    #expect(Self.same(try RANCModelFiles.readPackets(path: dir + "/input.json", chip: chip), tree.1))
    // A file the streaming reader declines keeps the tree's error, naming the mapped file.
    try Data(Self.exported.input.dropLast(4)).write(to: URL(fileURLWithPath: dir + "/input.json"))
    let error = try #require(throws: InputError.self) { try RANCModelFiles.load(input: dir + "/input.json", chip: chip) }
    #expect(error.file == dir + "/input.json" && error.line != nil && error.message.hasPrefix("invalid JSON"))
    let again = try #require(throws: InputError.self) { try RANCModelFiles.readPackets(path: dir + "/input.json", chip: chip) }
    #expect(again == error)
  }
}
