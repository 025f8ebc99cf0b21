import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The streaming model reader (`ModelFile+Stream.swift`) against the slow, obvious one
/// (`Model.parseTree`: the whole file as a JSON tree, then the model): on the files tnsim writes,
/// on hand-written shapes, and on seeded mutations of both, the two accept with equal models and
/// core lines, or the streaming reader declines (and `Model.parse` gives the tree's error).
@Suite struct ModelFileStreamTests {
  static let tiny = ModelFileTests.tiny

  /// A small model in the form tnsim writes, with every kind of value: per-core seeds, pins,
  /// null and axon destinations, stochastic modes, columns both per neuron and one for all.
  static let written: [UInt8] = {
    var options = Model.RandomOptions()
    options.stochastic = true
    options.cores = 2
    var model = Model.random(chip: tiny, seed: 11, options: options)
    model.chipReference = "tiny"
    model.seed = UInt64.max - 3
    model.cores[0].seed = 1 << 62 + 5
    model.cores[1].neurons[3].destination = .pin(12)
    model.cores[1].neurons[4].destination = .none
    for j in 0..<256 { model.cores[1].neurons[j].leak = 3 }
    model.cores[1].axonTypes = [UInt8](repeating: 2, count: 256)
    return model.fileBytes()
  }()

  /// A hand-written model (list form, sparse synapses, a description after the cores).
  static let handWritten = Array("""
    {"format": "tnsim-model", "version": 1, "chip": "tiny", "seed": 2024,
     "cores": [
       {"x": 0, "y": 0, "axonTypes": 0, "synapses": [[0, 1], [2, 5], [1, 6]],
        "neurons": [{"leak": 1, "threshold": 5, "destination": {"pin": 0}},
                    {"weights": [1, 0, 0, 0], "threshold": 3, "destination": {"dx": 0, "dy": 0, "axon": 1, "delay": 3}},
                    {}, {"resetMode": 1, "kappa": 0, "stochasticSynapses": [true, 0, 1, false]}]},
       {"x": 1, "y": 0, "crossbar": [\(Array(repeating: "\"" + String(repeating: "0", count: 64) + "\"", count: 256).joined(separator: ","))],
        "neurons": {"threshold": 2, "potential": -1, "destination": [\(Array(repeating: "[1, 0, 3, 1]", count: 256).joined(separator: ","))]}}
     ],
     "description": "two cores"}
    """.utf8)

  /// Both readers on `bytes`: the streaming one's model (nil when it declines) and the tree's
  /// model or error.
  static func both(_ bytes: [UInt8]) -> (stream: (Model, coreLines: [Int])?, tree: Result<(Model, coreLines: [Int]), InputError>) {
    let stream = bytes.withUnsafeBufferPointer { Model.parseStreaming($0, file: "m.json", chip: tiny) }
    let tree = Result { () throws(InputError) in try Model.parseTree(bytes, file: "m.json", chip: tiny) }
    return (stream, tree)
  }

  @Test func readsTheFilesTnsimWritesWithoutTheTree() throws {
    let (stream, tree) = Self.both(Self.written)
    let s = try #require(stream)
    let t = try tree.get()
    #expect(s.0 == t.0)
    #expect(s.coreLines == t.coreLines)
    #expect(s.0.fileBytes() == Self.written)
  }

  @Test func readsHandWrittenShapesAsTheTreeDoes() throws {
    let (stream, tree) = Self.both(Self.handWritten)
    let s = try #require(stream)
    let t = try tree.get()
    #expect(s.0 == t.0)
    #expect(s.coreLines == t.coreLines)
    #expect(s.coreLines == [3, 7])
  }

  @Test func theFullChipModelAsTheTreeReadsIt() throws {
    let chip = try ChipDefinition.resolve("truenorth")
    var options = Model.RandomOptions()
    options.cores = 64
    var model = Model.random(chip: chip, seed: 7, options: options)
    model.chipReference = "truenorth"
    let bytes = model.fileBytes()
    let stream = try #require(bytes.withUnsafeBufferPointer { Model.parseStreaming($0, file: "m.json", chip: chip) })
    let tree = try Model.parseTree(bytes, file: "m.json", chip: chip)
    #expect(stream.0 == tree.0 && stream.0 == model)
    #expect(stream.coreLines == tree.coreLines)
  }

  /// Bytes that change a JSON text's meaning or shape, for mutations.
  static let interesting = Array("0123456789-+.eE\"\\,:[]{} \n\tnulltruefalse#ag".utf8)

  /// `bytes` with one or two seeded edits: a byte replaced, inserted or deleted, a span deleted
  /// or repeated; half of them at a byte that is not a hex digit (the file's structure).
  static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
    var b = bytes
    for _ in 0...rng.next(below: 2) {
      guard !b.isEmpty else { break }
      var p = rng.next(below: b.count)
      if rng.next(below: 2) == 0 {
        for _ in 0..<64 where Model.hexDigitTable[Int(b[p])] < 16 { p = rng.next(below: b.count) }
      }
      let byte = interesting[rng.next(below: interesting.count)]
      switch rng.next(below: 5) {
      case 0: b[p] = byte
      case 1: b.insert(byte, at: p)
      case 2: b.remove(at: p)
      case 3: b.removeSubrange(p..<min(b.count, p + 1 + rng.next(below: 12)))
      default: b.insert(contentsOf: b[p..<min(b.count, p + 1 + rng.next(below: 12))], at: p)
      }
    }
    return b
  }

  @Test(arguments: [("written", 1), ("handWritten", 2)])
  func mutatedFilesAreReadAsTheTreeReadsThem(base: String, seed: UInt64) throws {
    let original = base == "written" ? Self.written : Self.handWritten
    var rng = SplitMix64(seed: seed)
    var accepted = 0, refused = 0, declined = 0
    for _ in 0..<1500 {
      let bytes = Self.mutate(original, &rng)
      let (stream, tree) = Self.both(bytes)
      switch (stream, tree) {
      case (let s?, .success(let t)):
        #expect(s.0 == t.0, "the two readers built different models from \(String(decoding: bytes, as: UTF8.self))")
        #expect(s.coreLines == t.coreLines)
        accepted += 1
      case (let s?, .failure(let e)):
        Issue.record("the streaming reader accepted a file the tree refuses (\(e)): \(s.0.cores.count) cores")
      case (nil, .failure(let e)):
        // What `Model.parse` throws: the tree's error, with file, line and path.
        #expect(throws: e) { try Model.parse(bytes, file: "m.json", chip: Self.tiny) }
        #expect(e.file == "m.json" && e.line != nil)
        refused += 1
      case (nil, .success(let t)):
        // Declined a valid file (a shape it leaves to the tree): `Model.parse` still reads it.
        #expect(try Model.parse(bytes, file: "m.json", chip: Self.tiny).0 == t.0)
        declined += 1
      }
    }
    // The mutations must exercise both outcomes, or the comparison shows nothing.
    #expect(accepted > 50 && refused > 100, "accepted \(accepted), refused \(refused), declined \(declined)")
  }

  /// The writer writes a seed of 2^63 as its bit pattern, Int64.min; both readers read it back
  /// (the tree reader once made it a fraction and refused it).
  @Test func theLargestSeedsRoundTrip() throws {
    var model = Model.random(chip: Self.tiny, seed: 3, options: { var o = Model.RandomOptions(); o.cores = 1; return o }())
    model.chipReference = "tiny"
    model.seed = 1 << 63
    model.cores[0].seed = UInt64.max
    let bytes = model.fileBytes()
    #expect(String(decoding: bytes, as: UTF8.self).contains("-9223372036854775808"))
    let (stream, tree) = Self.both(bytes)
    #expect(try #require(stream).0 == model)
    #expect(try tree.get().0 == model)
  }

  @Test func loadReadsTheFileMapped() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-stream-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("m.json").path
    try Data(Self.written).write(to: URL(fileURLWithPath: path))
    let (model, lines) = try Model.parse(fileAt: path, chip: Self.tiny)
    let tree = try Model.parseTree(Self.written, file: path, chip: Self.tiny)
    #expect(model == tree.0 && lines == tree.coreLines)
    #expect(throws: InputError(file: dir.path + "/none.json", message: "no such file")) {
      try Model.parse(fileAt: dir.path + "/none.json")
    }
  }
}
