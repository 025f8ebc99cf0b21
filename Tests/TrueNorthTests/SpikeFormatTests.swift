import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

/// The table of spike formats: one entry per format, detection from content, choice by
/// extension, and every reader and writer reached through it.
@Suite struct SpikeFormatTests {
  @Test func oneEntryPerFormatWithDistinctNamesAndExtensions() {
    #expect(SpikeFormat.all.map(\.name) == ["csv", "tnspk", "sfti", "sfri", "sfro", "ranc-output", "ranc-input"])
    let extensions = SpikeFormat.all.flatMap(\.extensions)
    #expect(Set(extensions).count == extensions.count)
    for f in SpikeFormat.all {
      #expect(SpikeFormat.named(f.name) == f)
      for e in f.extensions { #expect(SpikeFormat.forExtension(of: "dir.x/spikes." + e) == f) }
    }
    #expect(SpikeFormat.forExtension(of: "model.json") == nil)
    #expect(SpikeFormat.forExtension(of: "spikes") == nil)
    #expect(SpikeFormat.names(writing: .output) == "csv, tnspk, sfro, ranc-output")
    #expect(SpikeFormat.names(writing: .input) == "csv, tnspk, sfti, sfri")
  }

  @Test(arguments: [
    ("ibm/input.sfti", "sfti"), ("ibm/input.sfri", "sfri"), ("ibm/output.sfro", "sfro"),
    ("ranc/output.txt", "ranc-output"), ("ranc/input.json", "ranc-input"),
  ])
  func detectsEveryFixtureFromItsContent(name: String, format: String) throws {
    #expect(try SpikeFormat.detect(path: InteropFixtures.path(name)).name == format)
  }

  @Test func detectsTnsimFilesAndRefusesModels() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-formats-\(UInt32.random(in: 0...UInt32.max))").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for f in [SpikeFormat.csv, .tnspk] {
      // A misleading name: detection reads the content.
      let sink = try SpikeFormat.createInput(dir + "/spikes-\(f.name).dat", format: f)
      try sink.write(InputSpike(tick: 2, core: 1, axon: 7))
      try sink.close()
      #expect(try SpikeFormat.detect(path: dir + "/spikes-\(f.name).dat") == f)
    }
    #expect(FileKind.detect(path: InteropFixtures.path("ibm/model.json")) == .ibmModel)
    #expect(FileKind.detect(path: chipdefPath("tiny")) == .chipDefinition)
    #expect(throws: InputError.self) { _ = try SpikeFormat.detect(path: chipdefPath("tiny")) }
  }

  /// Every format that writes a kind of record reads back what it wrote, through the table.
  @Test func everyWriterReadsBackThroughTheTable() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-formats-\(UInt32.random(in: 0...UInt32.max))").path
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let inputs = [InputSpike(tick: 1, core: 3, axon: 0), InputSpike(tick: 4, core: 0, axon: 255)]
    for f in SpikeFormat.all where f.writesInput {
      let path = dir + "/in." + f.extensions[0]
      let sink = try SpikeFormat.createInput(path)
      for s in inputs { try sink.write(s) }
      try sink.close()
      var source = try SpikeFormat.openInput(path)
      #expect(try source.readAll() == inputs, "\(f.name)")
    }
    let outputs = [OutputSpike(tick: 0, core: 1, neuron: 2, pin: 0), OutputSpike(tick: 3, core: 0, neuron: 9, pin: 2)]
    for f in SpikeFormat.all where f.writesOutput {
      let path = dir + "/out." + f.extensions[0]
      let sink = try SpikeFormat.createOutput(path)
      for s in outputs { try sink.write(s) }
      try sink.close()
      var source = try SpikeFormat.openOutput(path)
      let back = try source.readAll()
      // RANC's output keeps only ticks and pins.
      #expect(f == .rancOutput ? back.map { [$0.tick, Int64($0.pin)] } == outputs.map { [$0.tick, Int64($0.pin)] } : back == outputs, "\(f.name)")
    }
  }

  @Test func aFormatOfTheOtherKindIsRefusedWithItsName() throws {
    let p = InteropFixtures.temporary("x.sfro")
    #expect(InteropFixtures.failure { _ = try SpikeFormat.createInput(p) }
      == "\(p): sfro holds output spikes; the input holds input spikes")
    let e = InteropFixtures.failure { _ = try SpikeFormat.openInput(InteropFixtures.path("ibm/output.sfro")) }
    #expect(e.hasSuffix(":1: holds output spikes (IBM RAWO6); expected input spikes"), "\(e)")
    let r = InteropFixtures.failure { _ = try SpikeFormat.openInput(InteropFixtures.path("ranc/input.json")) }
    #expect(r.hasSuffix(": RANC packets name cores by (x, y); the chip is needed to number them"), "\(r)")
    #expect(!FileManager.default.fileExists(atPath: p))
  }

  /// RAWO6's three layouts (issue 21, docs/interop.md): tnsim's NSCS layout (header
  /// `"tnsimLayout":2`: core and neuron in fields 1 and 2, destination in 3 and 4), an NSCS
  /// recording (no such member, field 3 negative: the pin in field 4, neuron unknown), and tnsim's
  /// files from before (field 3 a core id: core, neuron, pin in fields 3, 4, 5).
  @Test func rawo6LayoutsAreToldApart() throws {
    func file(_ layout: Int?, _ fields: [Int32]) throws -> [OutputSpike] {
      var b = IBMSpikeFile.headerBytes(encoding: "RAWO6", delay: nil, tnsimLayout: layout)
      for v in fields { let u = UInt32(bitPattern: v); b += [UInt8(u >> 24), UInt8(u >> 16 & 255), UInt8(u >> 8 & 255), UInt8(u & 255)] }
      let p = InteropFixtures.write(b, "layout.sfro")
      defer { try? FileManager.default.removeItem(atPath: p) }
      var streamed = try SpikeFormat.openOutput(p)
      let whole = try IBMSpikeFile.readOutput(path: p).records
      #expect(try streamed.readAll() == whole)
      return whole
    }
    #expect(try file(2, [4, 3, 9, -32, 7, 0, 5, 3, 9, -1, -1, 0])
      == [OutputSpike(tick: 4, core: 3, neuron: 9, pin: 7), OutputSpike(tick: 5, core: 3, neuron: 9, pin: -1)])
    #expect(try file(nil, [4, 3, 9, -32, 7, 0]) == [OutputSpike(tick: 4, core: -1, neuron: -1, pin: 7)])
    #expect(try file(nil, [4, 0, 0, 3, 9, 7]) == [OutputSpike(tick: 4, core: 3, neuron: 9, pin: 7)])
    #expect(throws: InputError.self) { _ = try file(3, [4, 3, 9, -32, 7, 0]) }
    #expect(throws: InputError.self) { _ = try file(2, [4, 3, 256, -32, 7, 0]) }
    // What tnsim writes: the header member, then (tick, core, neuron, -32, pin, 0).
    let bytes = IBMSpikeFile.binaryOutputBytes([OutputSpike(tick: 4, core: 3, neuron: 9, pin: 7)])
    #expect(String(decoding: bytes.prefix { $0 != 0xFF }, as: UTF8.self)
      == "{\"class\":\"SpikeWriter\",\"nscsVersion\":\"1.4.0\",\"encoding\":\"RAWO6\",\"tnsimLayout\":2}")
    #expect(Array(bytes.suffix(24)) == [0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 9, 255, 255, 255, 224, 0, 0, 0, 7, 0, 0, 0, 0])
  }
}
